package io.agentforge.registry.api;

import java.time.Instant;
import java.util.Set;

/** An API key without its secret. */
public record ApiKeyInfo(String keyId, String name, Set<Role> roles, Instant createdAt, Instant revokedAt) {

    public ApiKeyInfo {
        roles = Set.copyOf(roles);
    }
}
