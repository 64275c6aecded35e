package io.agentforge.registry.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param enabled     {@code false} only for local development: every request then acts as admin
 * @param adminKey    bootstrap admin key {@code af_<keyId>_<secret>}; generated at first start when empty
 * @param serviceKeys further keys the registry provisions at start, each {@code name:role[+role]:af_<keyId>_<secret>}
 *                    (env {@code AGENTFORGE_SERVICE_KEYS}, comma-separated), so deployments can give every service
 *                    its own key without calling the key API first
 * @param keyCacheTtl how long a looked-up key is trusted before the store is asked again
 * @param keyCacheMaxStale while the database can't be reached: how long after the store last confirmed it a key is
 *                    still accepted as it was then (a revocation made meanwhile through another replica is seen only
 *                    once the database answers again); {@code 0} refuses every request that needs a key lookup
 */
@ConfigurationProperties("agentforge.registry.security")
public record SecurityProperties(
        @DefaultValue("true") boolean enabled,
        String adminKey,
        List<String> serviceKeys,
        Duration keyCacheTtl,
        Duration keyCacheMaxStale) {

    public SecurityProperties {
        serviceKeys = serviceKeys == null
                ? List.of()
                : serviceKeys.stream()
                        .map(String::strip)
                        .filter(entry -> !entry.isEmpty())
                        .toList();
        keyCacheTtl = keyCacheTtl == null ? Duration.ofSeconds(5) : keyCacheTtl;
        keyCacheMaxStale = keyCacheMaxStale == null ? Duration.ofMinutes(15) : keyCacheMaxStale;
    }

    @Override
    public String toString() {
        return "SecurityProperties[enabled=" + enabled + ", adminKey=" + (adminKey == null ? null : "***")
                + ", serviceKeys=" + serviceKeys.size() + " configured]";
    }
}
