package io.agentforge.registry.api;

import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The registry's answer about a key: inactive keys carry no principal and no roles.
 *
 * @param services the service names (or trailing-{@code *} globs) a scoped service key is limited to; empty for a
 *                 key without a service scope (admin, client)
 */
public record IntrospectionResult(
        boolean active, @Nullable String keyId, @Nullable String principal, Set<Role> roles, List<String> services) {

    /** Absent {@code roles} or {@code services}: none. */
    public IntrospectionResult(
            boolean active,
            @Nullable String keyId,
            @Nullable String principal,
            @Nullable Set<Role> roles,
            @Nullable List<String> services) {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        services = services == null ? List.of() : List.copyOf(services);
        this.active = active;
        this.keyId = keyId;
        this.principal = principal;
        this.roles = roles;
        this.services = services;
    }

    /** An answer for a key without a service scope. */
    public IntrospectionResult(
            boolean active, @Nullable String keyId, @Nullable String principal, @Nullable Set<Role> roles) {
        this(active, keyId, principal, roles, List.of());
    }

    public static IntrospectionResult inactive() {
        return new IntrospectionResult(false, null, null, Set.of(), List.of());
    }
}
