package io.agentforge.registry.security;

import java.util.Collection;

/** Matches service names against a key's scope: exact names, or a prefix followed by {@code *}. */
public final class ServicePatterns {

    private ServicePatterns() {}

    public static boolean matches(String pattern, String service) {
        if (pattern.endsWith("*")) {
            return service.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(service);
    }

    public static boolean matchesAny(Collection<String> patterns, String service) {
        return service != null && patterns.stream().anyMatch(pattern -> matches(pattern, service));
    }
}
