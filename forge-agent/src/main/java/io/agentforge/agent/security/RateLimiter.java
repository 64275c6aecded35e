package io.agentforge.agent.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A token bucket per caller: {@code perMinute} questions a minute, refilled continuously. */
public final class RateLimiter {

    private final int perMinute;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute, Clock clock) {
        this.perMinute = perMinute;
        this.clock = clock;
    }

    /** Empty when the caller may go ahead (and a token was taken), else how long to wait. */
    public Optional<Duration> acquire(String caller) {
        Instant now = clock.instant();
        if (buckets.size() > 100_000) {
            buckets.values().removeIf(b -> b.full(now));
        }
        Bucket bucket = buckets.computeIfAbsent(caller, k -> new Bucket(perMinute, now));
        synchronized (bucket) {
            bucket.refill(now);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            double missing = 1 - bucket.tokens;
            return Optional.of(Duration.ofMillis((long) Math.ceil(missing * 60_000.0 / perMinute)));
        }
    }

    private final class Bucket {
        double tokens;
        Instant updated;

        Bucket(double tokens, Instant now) {
            this.tokens = tokens;
            this.updated = now;
        }

        void refill(Instant now) {
            double elapsedMinutes = Duration.between(updated, now).toNanos() / 60e9;
            tokens = Math.min(perMinute, tokens + elapsedMinutes * perMinute);
            updated = now;
        }

        synchronized boolean full(Instant now) {
            refill(now);
            return tokens >= perMinute;
        }
    }
}
