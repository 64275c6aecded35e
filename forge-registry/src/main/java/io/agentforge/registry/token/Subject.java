package io.agentforge.registry.token;

import java.util.List;
import java.util.Map;

/**
 * Whom a token is about: {@code principal} is {@code key:<keyId>} or {@code jwt:<sub>}; {@code act} is the actor
 * chain the subject token already carried (null when none).
 */
record Subject(String principal, String name, List<String> roles, Map<String, Object> act) {

    Subject {
        roles = List.copyOf(roles);
        act = act == null ? null : Map.copyOf(act);
    }
}
