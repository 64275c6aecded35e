package io.agentforge.console.registry;

import java.time.Instant;

/** Instance counts at one moment: every registered instance, and those that are UP. */
public record CountSample(Instant at, long registered, long up) {

    public CountSample {
        if (registered < 0 || up < 0 || up > registered) {
            throw new IllegalArgumentException("need 0 <= up <= registered, got " + up + " and " + registered);
        }
    }
}
