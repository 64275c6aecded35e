package io.agentforge.client;

import java.time.Duration;

/**
 * How {@link FunctionInvoker} calls tools.
 *
 * @param connectTimeout      how long to wait for a connection to one instance before trying the next
 * @param callTimeout         how long one instance may take to answer; a timed-out call is not retried because it
 *                            may have run
 * @param maxAttempts         instances tried per call at most (connect failures and 5xx move on to the next)
 * @param breakerWindow       calls per instance the circuit breaker judges (count-based sliding window)
 * @param breakerMinimumCalls calls an instance must have had before its circuit may open
 * @param breakerFailureRate  percentage of failed calls in the window that opens the circuit
 * @param breakerOpenDuration how long an open circuit skips its instance before letting trial calls through
 * @param maxResponseSize     largest tool answer read, in bytes; a larger one is refused with
 *                            {@code urn:agentforge:problem:response-too-large}
 */
public record InvokerSettings(
        Duration connectTimeout,
        Duration callTimeout,
        int maxAttempts,
        int breakerWindow,
        int breakerMinimumCalls,
        float breakerFailureRate,
        Duration breakerOpenDuration,
        int maxResponseSize) {

    /** 1 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_SIZE = 1024 * 1024;

    /** Settings with the default response size limit. */
    public InvokerSettings(
            Duration connectTimeout,
            Duration callTimeout,
            int maxAttempts,
            int breakerWindow,
            int breakerMinimumCalls,
            float breakerFailureRate,
            Duration breakerOpenDuration) {
        this(
                connectTimeout,
                callTimeout,
                maxAttempts,
                breakerWindow,
                breakerMinimumCalls,
                breakerFailureRate,
                breakerOpenDuration,
                DEFAULT_MAX_RESPONSE_SIZE);
    }

    public InvokerSettings {
        if (maxResponseSize < 1 || maxResponseSize == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxResponseSize must be between 1 and " + (Integer.MAX_VALUE - 1)
                    + " bytes, got " + maxResponseSize);
        }
        positive("connectTimeout", connectTimeout);
        positive("callTimeout", callTimeout);
        positive("breakerOpenDuration", breakerOpenDuration);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (breakerWindow < 1 || breakerMinimumCalls < 1 || breakerMinimumCalls > breakerWindow) {
            throw new IllegalArgumentException("need 1 <= breakerMinimumCalls <= breakerWindow, got "
                    + breakerMinimumCalls + " and " + breakerWindow);
        }
        if (!(breakerFailureRate > 0 && breakerFailureRate <= 100)) {
            throw new IllegalArgumentException("breakerFailureRate must be in (0, 100], got " + breakerFailureRate);
        }
    }

    /**
     * 1 s to connect, 30 s per call, 3 attempts; a circuit opens at 50 % of 10 calls (5 at least) for 30 s; answers
     * up to 1 MiB.
     */
    public static InvokerSettings defaults() {
        return new InvokerSettings(
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                3,
                10,
                5,
                50,
                Duration.ofSeconds(30),
                DEFAULT_MAX_RESPONSE_SIZE);
    }

    /** These settings with another response size limit. */
    public InvokerSettings withMaxResponseSize(int bytes) {
        return new InvokerSettings(
                connectTimeout,
                callTimeout,
                maxAttempts,
                breakerWindow,
                breakerMinimumCalls,
                breakerFailureRate,
                breakerOpenDuration,
                bytes);
    }

    private static void positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
