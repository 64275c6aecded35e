package io.agentforge.registry.token;

import java.util.List;
import java.util.Map;

/**
 * Whom a token is about: {@code principal} is {@code key:<keyId>} or {@code jwt:<sub>}; {@code act} is the actor
 * chain the subject token already carried (null when none); {@code services} the service scope of a scoped service
 * key (empty when unscoped), carried on so that a token says what its subject's key is limited to.
 */
record Subject(String principal, String name, List<String> roles, Map<String, Object> act, List<String> services) {

    Subject {
        roles = List.copyOf(roles);
        services = services == null ? List.of() : List.copyOf(services);
        act = act == null ? null : Map.copyOf(act);
    }
}
