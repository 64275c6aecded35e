package io.agentforge.agent.chat;

import io.agentforge.agent.config.AgentProperties;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;

/** Checks a request and settles what it runs with: its options within the configured bounds, else the defaults. */
final class SettingsResolver {

    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,100}");

    private final AgentProperties properties;
    private final String defaultModel;
    private final boolean offline;

    SettingsResolver(AgentProperties properties, boolean offline) {
        this.properties = properties;
        this.offline = offline;
        this.defaultModel = offline ? "offline" : properties.llm().model();
    }

    /** @throws ChatException (400) naming the first field that is out of bounds */
    ChatService.Settings resolve(ChatRequest request) {
        if (request.message() == null || request.message().isBlank()) {
            throw invalid("message: must not be empty");
        }
        if (request.message().length() > properties.maxMessageChars()) {
            throw invalid("message: is longer than " + properties.maxMessageChars() + " characters");
        }
        if (request.conversationId() != null
                && !ChatRequest.CONVERSATION_ID
                        .matcher(request.conversationId())
                        .matches()) {
            throw invalid("conversationId: must match " + ChatRequest.CONVERSATION_ID.pattern());
        }
        ChatRequest.Options options =
                request.options() == null ? new ChatRequest.Options(null, null, null) : request.options();
        String chosenModel = options.model() == null ? defaultModel : options.model();
        if (!MODEL_NAME.matcher(chosenModel).matches()) {
            throw invalid("options.model: must match " + MODEL_NAME.pattern());
        }
        List<String> allowed = properties.llm().allowedModels();
        if (options.model() != null
                && !offline
                && !allowed.isEmpty()
                && !allowed.contains(chosenModel)
                && !chosenModel.equals(defaultModel)) {
            throw invalid(
                    "options.model: must be one of " + String.join(", ", allowed) + " or the default " + defaultModel);
        }
        AgentProperties.Llm llm = properties.llm();
        double temperature = options.temperature() == null ? llm.temperature() : options.temperature();
        // Written so that NaN fails too.
        if (!(temperature >= llm.minTemperature() && temperature <= llm.maxTemperature())) {
            throw invalid(
                    "options.temperature: must be between " + llm.minTemperature() + " and " + llm.maxTemperature());
        }
        int maxSteps = options.maxSteps() == null ? properties.maxSteps() : options.maxSteps();
        if (maxSteps < 1 || maxSteps > properties.maxStepsLimit()) {
            throw invalid("options.maxSteps: must be between 1 and " + properties.maxStepsLimit());
        }
        return new ChatService.Settings(offline ? "offline" : chosenModel, temperature, maxSteps);
    }

    private static ChatException invalid(String detail) {
        return new ChatException(HttpStatus.BAD_REQUEST, "validation", detail);
    }
}
