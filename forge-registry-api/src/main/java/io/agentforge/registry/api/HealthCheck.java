package io.agentforge.registry.api;

import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Active health probe of an instance: the registry GETs {@code path} on the instance's endpoint every {@code interval}.
 *
 * <p>The path is a plain absolute path so a probe can never leave the host of the registered endpoint.
 */
public record HealthCheck(String path, Duration interval) {

    public static final String DEFAULT_PATH = "/actuator/health";
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    // No "//" at the start (a network-path reference names another host), no dot segments, no query or fragment.
    private static final Pattern PATH = Pattern.compile("/(?!/)[A-Za-z0-9._~!$&'()*+,;=:@/%-]{0,255}");

    /** Absent {@code path} or {@code interval}: {@link #DEFAULT_PATH}, {@link #DEFAULT_INTERVAL}. */
    public HealthCheck(@Nullable String path, @Nullable Duration interval) {
        path = path == null ? DEFAULT_PATH : Checks.matches("healthCheck.path", path, PATH);
        if (path.contains("/../") || path.endsWith("/..") || path.contains("%")) {
            throw new InvalidFieldException("healthCheck.path", "must not contain dot segments or percent-escapes");
        }
        interval = Checks.between(
                "healthCheck.interval",
                interval == null ? DEFAULT_INTERVAL : interval,
                Duration.ofSeconds(1),
                Duration.ofMinutes(10));
        this.path = path;
        this.interval = interval;
    }
}
