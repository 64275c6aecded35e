package io.agentforge.registry.security;

import java.time.Instant;

/** Announces a revoked key on the change feed, so every replica's subscribers drop what they derived from it. */
@FunctionalInterface
public interface KeyRevocations {

    KeyRevocations NONE = (keyId, at) -> {};

    void revoked(String keyId, Instant at);
}
