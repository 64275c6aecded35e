package io.agentforge.registry.security;

import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import java.util.List;
import java.util.Set;

/**
 * The caller behind a request: the API key it presented.
 *
 * @param services the service names (or trailing-{@code *} globs) it may register; admins may register any
 * @param kinds    the service kinds it may register
 */
public record ApiKeyPrincipal(
        String keyId, String name, Set<Role> roles, List<String> services, Set<ServiceKind> kinds) {

    /** The principal used when security is switched off for development. */
    public static final ApiKeyPrincipal ANONYMOUS_ADMIN = new ApiKeyPrincipal(null, "anonymous", Set.of(Role.ADMIN));

    public ApiKeyPrincipal {
        roles = Set.copyOf(roles);
        services = services == null ? List.of() : List.copyOf(services);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
    }

    /** A principal without a service scope. */
    public ApiKeyPrincipal(String keyId, String name, Set<Role> roles) {
        this(keyId, name, roles, List.of(), Set.of());
    }

    public boolean has(Role role) {
        return roles.stream().anyMatch(r -> r.includes(role));
    }

    /** Whether this key may register (and so act as) the named service: an admin may use any name. */
    public boolean mayUse(String service) {
        return has(Role.ADMIN) || ServicePatterns.matchesAny(services, service);
    }

    /** Whether this key may register a service of this kind. */
    public boolean mayRegister(ServiceKind kind) {
        return has(Role.ADMIN) || kinds.contains(kind);
    }

    @Override
    public String toString() {
        return name;
    }
}
