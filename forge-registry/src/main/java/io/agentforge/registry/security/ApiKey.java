package io.agentforge.registry.security;

import io.agentforge.registry.api.ApiKeyInfo;
import io.agentforge.registry.api.Role;

import java.time.Instant;
import java.util.Set;

/** A stored API key: only the SHA-256 hash of its secret is kept. */
public record ApiKey(String keyId, String name, Set<Role> roles, String secretHash, Instant createdAt,
                     Instant revokedAt) {

    public ApiKey {
        roles = Set.copyOf(roles);
    }

    public boolean active() {
        return revokedAt == null;
    }

    public ApiKeyInfo info() {
        return new ApiKeyInfo(keyId, name, roles, createdAt, revokedAt);
    }

    @Override
    public String toString() {
        return "ApiKey[keyId=" + keyId + ", name=" + name + ", roles=" + roles + ", revokedAt=" + revokedAt + "]";
    }
}
