package io.agentforge.registry.security;

import io.agentforge.registry.api.ApiKeyInfo;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A stored API key: only the SHA-256 hash of its secret is kept.
 *
 * @param services names or trailing-{@code *} globs a service key may register (empty: none, unless admin)
 * @param kinds    kinds of service it may register
 */
public record ApiKey(
        String keyId,
        String name,
        Set<Role> roles,
        List<String> services,
        Set<ServiceKind> kinds,
        String secretHash,
        Instant createdAt,
        Instant revokedAt) {

    public ApiKey {
        roles = Set.copyOf(roles);
        services = services == null ? List.of() : List.copyOf(services);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    }

    public boolean active() {
        return revokedAt == null;
    }

    public ApiKey revoked(Instant at) {
        return new ApiKey(keyId, name, roles, services, kinds, secretHash, createdAt, at);
    }

    public ApiKeyInfo info() {
        return new ApiKeyInfo(keyId, name, roles, createdAt, revokedAt, services, kinds);
    }

    public ApiKeyPrincipal principal() {
        return new ApiKeyPrincipal(keyId, name, roles, services, kinds);
    }

    @Override
    public String toString() {
        return "ApiKey[keyId=" + keyId + ", name=" + name + ", roles=" + roles + ", services=" + services + ", kinds="
                + kinds + ", revokedAt=" + revokedAt + "]";
    }
}
