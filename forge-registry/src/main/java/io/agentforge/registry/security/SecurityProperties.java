package io.agentforge.registry.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * @param enabled     {@code false} only for local development: every request then acts as admin
 * @param adminKey    bootstrap admin key {@code af_<keyId>_<secret>}; generated at first start when empty
 * @param keyCacheTtl how long a looked-up key is trusted before the store is asked again
 */
@ConfigurationProperties("agentforge.registry.security")
public record SecurityProperties(@DefaultValue("true") boolean enabled, String adminKey, Duration keyCacheTtl) {

    public SecurityProperties {
        keyCacheTtl = keyCacheTtl == null ? Duration.ofSeconds(5) : keyCacheTtl;
    }

    @Override
    public String toString() {
        return "SecurityProperties[enabled=" + enabled + ", adminKey=" + (adminKey == null ? null : "***") + "]";
    }
}
