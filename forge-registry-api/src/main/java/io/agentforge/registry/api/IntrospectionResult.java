package io.agentforge.registry.api;

import java.util.Set;

/** The registry's answer about a key: inactive keys carry no principal and no roles. */
public record IntrospectionResult(boolean active, String keyId, String principal, Set<Role> roles) {

    public IntrospectionResult {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
    }

    public static IntrospectionResult inactive() {
        return new IntrospectionResult(false, null, null, Set.of());
    }
}
