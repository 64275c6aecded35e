package io.agentforge.registry.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What one key (and everybody together) may hold at once; going over is a 429 problem.
 *
 * @param instancesPerKey   live instances registered with one non-admin key, across all replicas
 * @param subscribersPerKey open change-feed connections of one key, per replica
 * @param subscribers       open change-feed connections in total, per replica
 */
@ConfigurationProperties("agentforge.registry.limits")
public record LimitsProperties(
        @DefaultValue("100") int instancesPerKey,
        @DefaultValue("8") int subscribersPerKey,
        @DefaultValue("512") int subscribers) {

    public LimitsProperties {
        if (instancesPerKey < 1 || subscribersPerKey < 1 || subscribers < 1) {
            throw new IllegalArgumentException("agentforge.registry.limits.* must be at least 1");
        }
    }
}
