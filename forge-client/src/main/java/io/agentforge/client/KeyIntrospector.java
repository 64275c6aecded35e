package io.agentforge.client;

import io.agentforge.registry.api.IntrospectionResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks API keys presented to a service by asking the registry, and remembers the answers briefly: active keys for
 * 30 s, inactive ones for 5 s (defaults). While the registry can't answer (unreachable, 5xx), a key that was active
 * stays accepted for a grace period (5 min by default) past its cache time, so a registry outage doesn't lock out
 * callers it vouched for moments ago; nothing else is accepted without an answer. Entries are keyed by the key's
 * SHA-256, so no secret stays in memory. Thread-safe.
 */
public final class KeyIntrospector {

    public static final Duration DEFAULT_ACTIVE_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_INACTIVE_TTL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_GRACE_WHILE_UNREACHABLE = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** While the registry can't answer, how often a key served from the grace period is asked about again. */
    static final Duration RETRY_WHILE_UNREACHABLE = Duration.ofSeconds(5);

    private static final int MAX_KEY_LENGTH = 512;

    private final RegistryClient client;
    private final Duration activeTtl;
    private final Duration inactiveTtl;
    private final Duration graceWhileUnreachable;
    private final Clock clock;
    private final Map<String, Answer> cache;

    public KeyIntrospector(RegistryClient client, Clock clock) {
        this(client, DEFAULT_ACTIVE_TTL, DEFAULT_INACTIVE_TTL, DEFAULT_MAX_ENTRIES, clock);
    }

    /** @param maxEntries the least recently used answers are dropped beyond this many */
    public KeyIntrospector(
            RegistryClient client, Duration activeTtl, Duration inactiveTtl, int maxEntries, Clock clock) {
        this(client, activeTtl, inactiveTtl, DEFAULT_GRACE_WHILE_UNREACHABLE, maxEntries, clock);
    }

    /**
     * @param graceWhileUnreachable how long past its cache time an active answer still counts while the registry
     *                              can't answer; zero disables it
     * @param maxEntries            the least recently used answers are dropped beyond this many
     */
    public KeyIntrospector(
            RegistryClient client,
            Duration activeTtl,
            Duration inactiveTtl,
            Duration graceWhileUnreachable,
            int maxEntries,
            Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.activeTtl = Objects.requireNonNull(activeTtl, "activeTtl");
        this.inactiveTtl = Objects.requireNonNull(inactiveTtl, "inactiveTtl");
        this.graceWhileUnreachable = Objects.requireNonNull(graceWhileUnreachable, "graceWhileUnreachable");
        if (graceWhileUnreachable.isNegative()) {
            throw new IllegalArgumentException("graceWhileUnreachable must not be negative");
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * What the registry says about the key, from the cache while fresh. A missing or malformed key is inactive
     * without asking.
     *
     * @throws RegistryException when the registry could not answer and no usable answer is cached; a caller should
     *                           then refuse the request (fail closed)
     */
    public IntrospectionResult introspect(@Nullable String key) {
        if (key == null
                || key.isBlank()
                || key.length() > MAX_KEY_LENGTH
                || !ForgeClientSettings.API_KEY.matcher(key.strip()).matches()) {
            return IntrospectionResult.inactive();
        }
        String digest = sha256(key.strip());
        Instant now = clock.instant();
        Answer cached;
        synchronized (cache) {
            cached = cache.get(digest);
            if (cached != null && now.isBefore(cached.expiresAt)) {
                return cached.result;
            }
        }
        IntrospectionResult result;
        try {
            result = client.introspect(key.strip());
        } catch (RegistryException e) {
            if (e.isTransient() && cached != null && now.isBefore(cached.usableUntil)) {
                // Keep serving it, and don't ask again on every request of the outage: once per retry interval.
                Instant retryAt = now.plus(RETRY_WHILE_UNREACHABLE);
                synchronized (cache) {
                    cache.put(
                            digest,
                            new Answer(
                                    cached.result,
                                    retryAt.isBefore(cached.usableUntil) ? retryAt : cached.usableUntil,
                                    cached.usableUntil));
                }
                return cached.result;
            }
            throw e;
        }
        Instant expiresAt = clock.instant().plus(result.active() ? activeTtl : inactiveTtl);
        synchronized (cache) {
            cache.put(
                    digest,
                    new Answer(result, expiresAt, result.active() ? expiresAt.plus(graceWhileUnreachable) : expiresAt));
        }
        return result;
    }

    /** Forgets the answer about one key, e.g. after the caller learned it was revoked. */
    public void invalidate(@Nullable String key) {
        if (key != null) {
            synchronized (cache) {
                cache.remove(sha256(key.strip()));
            }
        }
    }

    /** Forgets every answer about the key with this public id, e.g. when the change feed says it was revoked. */
    public void forget(@Nullable String keyId) {
        if (keyId != null) {
            synchronized (cache) {
                cache.values().removeIf(answer -> keyId.equals(answer.result.keyId()));
            }
        }
    }

    /** Answers currently held. */
    int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** The cache keys: digests, never keys. */
    Set<String> cachedDigests() {
        synchronized (cache) {
            return Set.copyOf(cache.keySet());
        }
    }

    static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * @param expiresAt   when to ask the registry again
     * @param usableUntil how long the answer may still be served while the registry can't answer
     */
    private record Answer(IntrospectionResult result, Instant expiresAt, Instant usableUntil) {}
}
