package io.agentforge.registry.api;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** A newly created API key; {@code key} is the full secret and is never shown again. */
public record ApiKeyCreated(
        String keyId,
        String name,
        Set<Role> roles,
        Instant createdAt,
        String key,
        List<String> services,
        Set<ServiceKind> kinds) {

    /** Absent {@code services} or {@code kinds}: none. */
    public ApiKeyCreated(
            String keyId,
            String name,
            Set<Role> roles,
            Instant createdAt,
            String key,
            @Nullable List<String> services,
            @Nullable Set<ServiceKind> kinds) {
        roles = Set.copyOf(roles);
        services = services == null ? List.of() : List.copyOf(services);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        this.keyId = keyId;
        this.name = name;
        this.roles = roles;
        this.createdAt = createdAt;
        this.key = key;
        this.services = services;
        this.kinds = kinds;
    }

    /** A created key without a service scope (admin or client). */
    public ApiKeyCreated(String keyId, String name, Set<Role> roles, Instant createdAt, String key) {
        this(keyId, name, roles, createdAt, key, List.of(), Set.of());
    }

    @Override
    public String toString() {
        return "ApiKeyCreated[keyId=" + keyId + ", name=" + name + ", roles=" + roles + ", services=" + services
                + ", kinds=" + kinds + ", key=***]";
    }
}
