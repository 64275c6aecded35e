package io.agentforge.registry.api;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The registry's answer about a key: inactive keys carry no principal and no roles. */
public record IntrospectionResult(
        boolean active, @Nullable String keyId, @Nullable String principal, Set<Role> roles) {

    /** Absent {@code roles}: none. */
    public IntrospectionResult(
            boolean active, @Nullable String keyId, @Nullable String principal, @Nullable Set<Role> roles) {
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        this.active = active;
        this.keyId = keyId;
        this.principal = principal;
        this.roles = roles;
    }

    public static IntrospectionResult inactive() {
        return new IntrospectionResult(false, null, null, Set.of());
    }
}
