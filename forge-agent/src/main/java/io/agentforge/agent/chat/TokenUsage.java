package io.agentforge.agent.chat;

import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;

/** Tokens the model reported over the turns of one question; a count the model left out is zero. */
record TokenUsage(long promptTokens, long completionTokens, long totalTokens) {

    static final TokenUsage NONE = new TokenUsage(0, 0, 0);

    /** What one response (or streamed chunk) reported. */
    static TokenUsage of(ChatResponse response) {
        if (response.getMetadata() == null) {
            return NONE;
        }
        Usage reported = response.getMetadata().getUsage();
        if (reported == null) {
            return NONE;
        }
        return new TokenUsage(
                orZero(reported.getPromptTokens()),
                orZero(reported.getCompletionTokens()),
                orZero(reported.getTotalTokens()));
    }

    TokenUsage plus(TokenUsage other) {
        return new TokenUsage(
                promptTokens + other.promptTokens,
                completionTokens + other.completionTokens,
                totalTokens + other.totalTokens);
    }

    ChatResult.Usage toResult() {
        return new ChatResult.Usage(promptTokens, completionTokens, totalTokens);
    }

    private static long orZero(Integer tokens) {
        return tokens == null ? 0 : tokens;
    }
}
