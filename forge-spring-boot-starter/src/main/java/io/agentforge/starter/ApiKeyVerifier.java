package io.agentforge.starter;

import io.agentforge.client.KeyIntrospector;
import io.agentforge.client.Problem;
import io.agentforge.client.RegistryException;
import io.agentforge.registry.api.IntrospectionResult;

/**
 * Decides whether an API key presented to this service is valid. The default asks the registry through a
 * {@link KeyIntrospector}; declare a bean of this type to check keys another way (or to fake the check in tests).
 */
@FunctionalInterface
public interface ApiKeyVerifier {

    /**
     * @param key the key as presented, never null
     * @return the registry's answer; inactive for unknown, revoked or malformed keys
     * @throws RegistryException when no answer can be had: the call is then refused with 503 (fail closed)
     */
    IntrospectionResult verify(String key);

    /** Asks the registry, with the introspector's short cache. */
    static ApiKeyVerifier of(KeyIntrospector introspector) {
        return introspector::introspect;
    }

    /** Refuses every check: used when key checks are on but no registry is configured to answer them. */
    static ApiKeyVerifier unconfigured() {
        return key -> {
            throw new RegistryException(new Problem(
                    503,
                    ForgeProblems.UNAVAILABLE,
                    "Key checks not configured",
                    "Inbound API-key checks are on but no registry is configured to answer them: set"
                            + " agentforge.registry-url and agentforge.api-key, or agentforge.security.enabled=false"));
        };
    }
}
