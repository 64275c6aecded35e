package io.agentforge.agent.chat;

import java.time.Duration;

final class Durations {

    private Durations() {}

    /** Milliseconds, rounded up, so a wait cut short by a deadline ends at or after it. */
    static long ceilMillis(Duration duration) {
        return Math.ceilDiv(duration.toNanos(), 1_000_000L);
    }

    /** "60 s" for whole seconds, else "1500 ms". */
    static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }
}
