package io.agentforge.console.chat;

import java.util.regex.Pattern;

/**
 * A question from the browser, checked before it goes to the agent.
 *
 * @param agent          the picked agent's id (see {@link AgentTarget#id()}); blank for the first one
 * @param conversationId the conversation to continue, blank for a new one
 * @param model          the model to ask for, blank for the agent's default
 * @param temperature    0–2, null for the agent's default
 * @param maxSteps       tool-calling rounds at most, 1–50, null for the agent's default
 */
public record ChatCommand(
        String agent, String message, String conversationId, String model, Double temperature, Integer maxSteps) {

    public static final int MAX_MESSAGE = 32_000;
    static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:/@+-]{1,128}");

    public ChatCommand {
        agent = blankToNull(agent);
        conversationId = blankToNull(conversationId);
        model = blankToNull(model);
        if (message == null || message.isBlank()) {
            throw new InvalidCommandException("message", "must not be blank");
        }
        if (message.length() > MAX_MESSAGE) {
            throw new InvalidCommandException(
                    "message", "is " + message.length() + " characters long, at most " + MAX_MESSAGE + " are allowed");
        }
        if (conversationId != null && !CONVERSATION_ID.matcher(conversationId).matches()) {
            throw new InvalidCommandException("conversationId", "must match " + CONVERSATION_ID.pattern());
        }
        if (model != null && !MODEL.matcher(model).matches()) {
            throw new InvalidCommandException(
                    "model", "must be a model name of at most 128 letters, digits or ._:/@+-");
        }
        if (temperature != null && !(temperature >= 0 && temperature <= 2)) {
            throw new InvalidCommandException("temperature", "must be between 0 and 2");
        }
        if (maxSteps != null && (maxSteps < 1 || maxSteps > 50)) {
            throw new InvalidCommandException("maxSteps", "must be between 1 and 50");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A field of the question is not acceptable. */
    public static final class InvalidCommandException extends RuntimeException {

        private final String field;

        InvalidCommandException(String field, String problem) {
            super(field + " " + problem);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
