package io.agentforge.registry.api;

import java.time.Duration;
import java.time.Instant;

/** The lease of one instance: it stays registered until {@code expiresAt} unless renewed. */
public record Lease(String instanceId, Duration leaseDuration, Instant lastRenewal, Instant expiresAt) {}
