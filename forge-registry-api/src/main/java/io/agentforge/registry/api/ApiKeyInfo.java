package io.agentforge.registry.api;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * An API key without its secret.
 *
 * @param services the service names (or trailing-{@code *} globs) a service key may register; empty for admin and
 *                 client keys, and for service keys created before keys were scoped (those may register nothing)
 * @param kinds    the service kinds it may register
 */
public record ApiKeyInfo(String keyId, String name, Set<Role> roles, Instant createdAt, Instant revokedAt,
                         List<String> services, Set<ServiceKind> kinds) {

    public ApiKeyInfo {
        roles = Set.copyOf(roles);
        services = services == null ? List.of() : List.copyOf(services);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    }
}
