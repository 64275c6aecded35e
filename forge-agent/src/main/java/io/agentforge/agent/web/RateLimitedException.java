package io.agentforge.agent.web;

import java.time.Duration;

/** The caller asked more often than allowed; answered with 429 and {@code Retry-After}. */
public class RateLimitedException extends RuntimeException {

    private final long retryAfterSeconds;

    public RateLimitedException(Duration wait) {
        super("Too many questions; try again in " + Math.max(1, (wait.toMillis() + 999) / 1000) + " s");
        this.retryAfterSeconds = Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
