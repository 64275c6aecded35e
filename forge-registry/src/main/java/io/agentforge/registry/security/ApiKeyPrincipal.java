package io.agentforge.registry.security;

import io.agentforge.registry.api.Role;

import java.util.Set;

/** The caller behind a request: the API key it presented. */
public record ApiKeyPrincipal(String keyId, String name, Set<Role> roles) {

    /** The principal used when security is switched off for development. */
    public static final ApiKeyPrincipal ANONYMOUS_ADMIN = new ApiKeyPrincipal(null, "anonymous", Set.of(Role.ADMIN));

    public ApiKeyPrincipal {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.stream().anyMatch(r -> r.includes(role));
    }

    @Override
    public String toString() {
        return name;
    }
}
