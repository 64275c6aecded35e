package io.agentforge.starter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * The JWKS cache behind {@link org.springframework.security.oauth2.jwt.NimbusJwtDecoder}: holds the one JWK set
 * document for {@code ttl}, and lets a token with an unknown {@code kid} (Nimbus then calls {@link #invalidate()})
 * fetch it again at most once per {@code refetchInterval}, so random key ids can't make every request a fetch.
 * When a scheduled refresh fails, the keys already held stay in use (they still verify the tokens they signed); a
 * fetch for an unknown key that fails is an error (the caller answers 503). Time comes from the clock.
 */
final class JwksCache implements Cache {

    private final Clock clock;
    private final Duration ttl;
    private final Duration refetchInterval;
    private Object value;
    private Instant fetchedAt = Instant.MIN;
    private Instant lastAttempt = Instant.MIN;
    private boolean forced;

    JwksCache(Clock clock, Duration ttl, Duration refetchInterval) {
        this.clock = clock;
        this.ttl = ttl;
        this.refetchInterval = refetchInterval;
    }

    @Override
    public String getName() {
        return "agentforge-jwks";
    }

    @Override
    public Object getNativeCache() {
        return this;
    }

    @Override
    public synchronized ValueWrapper get(Object key) {
        return value == null ? null : new SimpleValueWrapper(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> T get(Object key, Class<T> type) {
        return type.isInstance(value) ? (T) value : null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized <T> T get(Object key, Callable<T> loader) {
        Instant now = clock.instant();
        boolean stale = value == null || !now.isBefore(fetchedAt.plus(ttl));
        if (!forced && !stale) {
            return (T) value;
        }
        lastAttempt = now;
        try {
            T loaded = loader.call();
            value = loaded;
            fetchedAt = now;
            forced = false;
            return loaded;
        } catch (Exception e) {
            if (!forced && value != null) {
                return (T) value;
            }
            forced = false;
            throw new ValueRetrievalException(key, loader, e);
        }
    }

    @Override
    public synchronized void put(Object key, Object newValue) {
        value = newValue;
        fetchedAt = clock.instant();
    }

    @Override
    public synchronized void evict(Object key) {
        invalidate();
    }

    @Override
    public synchronized void clear() {
        invalidate();
    }

    /** Asks for a fetch on the next read, unless one was tried within the refetch interval. */
    @Override
    public synchronized boolean invalidate() {
        if (clock.instant().isBefore(lastAttempt.plus(refetchInterval))) {
            return false;
        }
        forced = true;
        return true;
    }
}
