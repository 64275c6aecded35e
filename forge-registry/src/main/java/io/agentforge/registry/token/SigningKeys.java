package io.agentforge.registry.token;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys this replica knows, as the {@link JWKSource} that Spring Authorization Server signs with and
 * publishes at {@code /oauth2/jwks} (public parts only). The keys come from the {@link SigningKeyStore}: reloaded
 * every {@code key-refresh-interval}, and on demand (a JWKS request, an unknown {@code kid}) at most once per
 * {@code key-reload-min-gap}, so a key rotated on another replica is seen within that gap.
 */
public class SigningKeys implements JWKSource<SecurityContext> {

    private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

    private final SigningKeyStore store;
    private final Clock clock;
    private final TokenProperties properties;
    private final SecureRandom random = new SecureRandom();
    private volatile Snapshot snapshot;

    public SigningKeys(SigningKeyStore store, Clock clock, TokenProperties properties) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
    }

    /** Makes sure an active key exists (a first start makes one) and loads the keys. */
    public void start() {
        Instant now = clock.instant();
        if (store.rotateIf(active -> active == null, () -> SigningKey.generate(random, now), now)) {
            log.info("Created the first token signing key");
        }
        reload();
    }

    /** The key new tokens are signed with. */
    public SigningKey active() {
        Snapshot current = snapshot();
        return current.keys().stream()
                .filter(SigningKey::active)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("No active signing key; the store was emptied"));
    }

    /** Retires the active key and makes a new one; tokens of the old key stay verifiable until they expire. */
    public SigningKey rotate() {
        Instant now = clock.instant();
        store.rotateIf(active -> true, () -> SigningKey.generate(random, now), now);
        reload();
        SigningKey active = active();
        log.info("Rotated the token signing key: new kid {}", active.kid());
        return active;
    }

    /** Scheduled: rotates when the active key is older than the rotation interval, forgets expired keys, reloads. */
    public void maintain() {
        Instant now = clock.instant();
        if (store.rotateIf(
                active -> active == null
                        || !active.createdAt()
                                .plus(properties.rotationInterval())
                                .isAfter(now),
                () -> SigningKey.generate(random, now),
                now)) {
            log.info("Rotated the token signing key (older than {})", properties.rotationInterval());
        }
        store.deleteRetiredBefore(now.minus(TokenProperties.MAX_TTL).minus(TokenProperties.PUBLISH_MARGIN));
        reload();
    }

    /** The keys verifiers may need now: the active one and the retired ones whose tokens may still be valid. */
    public List<SigningKey> published() {
        Instant now = clock.instant();
        return snapshot().keys().stream().filter(key -> key.published(now)).toList();
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) {
        boolean byKeyId = selector.getMatcher().getKeyIDs() != null
                && !selector.getMatcher().getKeyIDs().isEmpty();
        if (!byKeyId) {
            // A JWKS request: make a rotation on another replica visible quickly.
            reloadIfStale();
            return selector.select(jwkSet());
        }
        List<JWK> found = selector.select(jwkSet());
        if (found.isEmpty() && reloadIfStale()) {
            found = selector.select(jwkSet());
        }
        return found;
    }

    private JWKSet jwkSet() {
        return new JWKSet(published().stream().map(key -> (JWK) key.jwk()).toList());
    }

    private Snapshot snapshot() {
        Snapshot current = snapshot;
        if (current == null) {
            reload();
            current = snapshot;
        }
        return current;
    }

    private boolean reloadIfStale() {
        Snapshot current = snapshot;
        if (current != null
                && current.loadedAt().plus(properties.keyReloadMinGap()).isAfter(clock.instant())) {
            return false;
        }
        reload();
        return true;
    }

    private synchronized void reload() {
        snapshot = new Snapshot(store.all(), clock.instant());
    }

    private record Snapshot(List<SigningKey> keys, Instant loadedAt) {}
}
