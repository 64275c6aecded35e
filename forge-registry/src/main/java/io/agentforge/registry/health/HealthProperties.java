package io.agentforge.registry.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param timeout          a probe that has not answered by then counts as failed
 * @param failureThreshold consecutive failures that mark an instance DOWN
 * @param maxInFlight      probes running at once; due probes beyond it wait for the next tick
 */
@ConfigurationProperties("agentforge.registry.health")
public record HealthProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("3") int failureThreshold,
        @DefaultValue("512") int maxInFlight) {}
