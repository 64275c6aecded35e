package io.agentforge.client;

import org.jspecify.annotations.Nullable;

/**
 * No instance could run the call: the function is not in the catalog, its tool has no UP instance, every instance
 * tried failed (connection refused, 5xx) or has its circuit open, or the call timed out.
 */
public final class ToolUnavailableException extends RuntimeException {

    private final String function;

    public ToolUnavailableException(String function, String message, @Nullable Throwable cause) {
        super(message, cause);
        this.function = function;
    }

    public String function() {
        return function;
    }
}
