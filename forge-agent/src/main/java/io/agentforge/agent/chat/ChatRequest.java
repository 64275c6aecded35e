package io.agentforge.agent.chat;

import java.util.regex.Pattern;

/** A question to the agent, optionally continuing a conversation. */
public record ChatRequest(String message, String conversationId, Options options) {

    static final Pattern CONVERSATION_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    /** Per-request overrides; values outside the agent's configured bounds are refused with a 400. */
    public record Options(String model, Double temperature, Integer maxSteps) {}
}
