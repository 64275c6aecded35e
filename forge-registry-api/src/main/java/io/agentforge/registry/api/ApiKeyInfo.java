package io.agentforge.registry.api;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * An API key without its secret.
 *
 * @param services the service names (or trailing-{@code *} globs) a service key may register; empty for admin and
 *                 client keys, and for service keys created before keys were scoped (those may register nothing)
 * @param kinds    the service kinds it may register
 * @param revokedAt when the key was revoked, null while it is valid
 */
public record ApiKeyInfo(
        String keyId,
        String name,
        Set<Role> roles,
        Instant createdAt,
        @Nullable Instant revokedAt,
        List<String> services,
        Set<ServiceKind> kinds) {

    /** Absent {@code services} or {@code kinds}: none. */
    public ApiKeyInfo(
            String keyId,
            String name,
            Set<Role> roles,
            Instant createdAt,
            @Nullable Instant revokedAt,
            @Nullable List<String> services,
            @Nullable Set<ServiceKind> kinds) {
        roles = Set.copyOf(roles);
        services = services == null ? List.of() : List.copyOf(services);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        this.keyId = keyId;
        this.name = name;
        this.roles = roles;
        this.createdAt = createdAt;
        this.revokedAt = revokedAt;
        this.services = services;
        this.kinds = kinds;
    }
}
