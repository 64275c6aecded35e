package io.agentforge.console;

import java.time.Duration;
import java.time.Instant;

/** Times as people read them on a dashboard: "12 s ago", "in 3 min". */
public final class RelativeTime {

    private RelativeTime() {}

    public static String ago(Instant then, Instant now) {
        if (then == null) {
            return "never";
        }
        Duration age = Duration.between(then, now);
        return age.isNegative() || age.toSeconds() < 1 ? "just now" : phrase(age) + " ago";
    }

    public static String until(Instant then, Instant now) {
        if (then == null) {
            return "–";
        }
        Duration left = Duration.between(now, then);
        return left.isNegative() || left.toSeconds() < 1 ? "now" : "in " + phrase(left);
    }

    public static String phrase(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h";
        }
        return seconds / 86_400 + " d";
    }
}
