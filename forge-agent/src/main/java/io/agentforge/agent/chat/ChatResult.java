package io.agentforge.agent.chat;

import io.agentforge.agent.conversation.ToolStep;
import java.util.List;

/** The agent's answer with the tool calls it made on the way. */
public record ChatResult(
        String conversationId, String answer, List<ToolStep> steps, String model, Usage usage, long durationMs) {

    public ChatResult {
        steps = List.copyOf(steps);
    }

    /** Tokens the model reported, zero when it reported none. */
    public record Usage(long promptTokens, long completionTokens, long totalTokens) {}
}
