package io.agentforge.registry.token;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param issuer             the {@code iss} of issued tokens; empty = the base URL of the token request
 * @param ttl                lifetime of an issued token; at most {@link #MAX_TTL}
 * @param rotationInterval   how old the active signing key may get before a new one replaces it
 * @param keyRefreshInterval how often a replica reloads the signing keys from the store (and rotates when due)
 * @param keyReloadMinGap    the shortest gap between two reloads caused by requests (JWKS, an unknown {@code kid})
 */
@ConfigurationProperties("agentforge.registry.token")
public record TokenProperties(
        String issuer,
        @DefaultValue("5m") Duration ttl,
        @DefaultValue("30d") Duration rotationInterval,
        @DefaultValue("30s") Duration keyRefreshInterval,
        @DefaultValue("1s") Duration keyReloadMinGap) {

    /** The longest token lifetime; retired keys stay published this long plus {@link #PUBLISH_MARGIN}. */
    public static final Duration MAX_TTL = Duration.ofMinutes(5);
    /** Room for clock skew at the verifiers and for replicas that still sign with a just-retired key. */
    public static final Duration PUBLISH_MARGIN = Duration.ofMinutes(1);

    public TokenProperties {
        issuer = issuer == null || issuer.isBlank() ? null : issuer.strip();
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalStateException(
                    "agentforge.registry.token.ttl must be more than 0 and at most 5m, was " + ttl);
        }
        if (rotationInterval.compareTo(MAX_TTL) <= 0) {
            throw new IllegalStateException(
                    "agentforge.registry.token.rotation-interval must be longer than 5m, was " + rotationInterval);
        }
        if (keyRefreshInterval.isNegative() || keyRefreshInterval.isZero()) {
            throw new IllegalStateException("agentforge.registry.token.key-refresh-interval must be positive");
        }
        if (keyReloadMinGap.isNegative()) {
            throw new IllegalStateException("agentforge.registry.token.key-reload-min-gap must not be negative");
        }
    }
}
