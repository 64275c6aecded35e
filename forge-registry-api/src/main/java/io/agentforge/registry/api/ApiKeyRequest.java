package io.agentforge.registry.api;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Asks the registry for a new API key with the given name and roles. */
public record ApiKeyRequest(String name, Set<Role> roles) {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");

    public ApiKeyRequest {
        Checks.matches("name", name, NAME);
        if (roles == null || roles.isEmpty()) {
            throw new InvalidFieldException("roles", "at least one of admin, service, client is required");
        }
        roles = Set.copyOf(EnumSet.copyOf(roles));
    }
}
