package io.agentforge.registry.api;

import java.time.Instant;
import java.util.Set;

/** A newly created API key; {@code key} is the full secret and is never shown again. */
public record ApiKeyCreated(String keyId, String name, Set<Role> roles, Instant createdAt, String key) {

    public ApiKeyCreated {
        roles = Set.copyOf(roles);
    }

    @Override
    public String toString() {
        return "ApiKeyCreated[keyId=" + keyId + ", name=" + name + ", roles=" + roles + ", key=***]";
    }
}
