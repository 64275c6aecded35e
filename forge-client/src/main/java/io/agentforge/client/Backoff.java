package io.agentforge.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff: {@code initial · 2^(failures-1)} capped at {@code max}, each delay spread by
 * {@code ±jitter} so that many clients don't retry in step.
 *
 * @param jitter share of the delay by which it may vary either way, in {@code [0, 1)}
 */
public record Backoff(Duration initial, Duration max, double jitter) {

    /** 1 s, 2 s, 4 s … up to 30 s, ±10 %. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.1);

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must not be below initial (" + initial + ")");
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
        }
    }

    /** The delay after {@code failures} consecutive failures (at least 1), before jitter. */
    public Duration base(int failures) {
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be at least 1, got " + failures);
        }
        Duration delay = initial;
        for (int i = 1; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }

    /** {@link #base(int)} with jitter applied. */
    public Duration delay(int failures, RandomGenerator random) {
        return jittered(base(failures), random);
    }

    /** Spreads {@code duration} uniformly over {@code [duration·(1-jitter), duration·(1+jitter))}. */
    public Duration jittered(Duration duration, RandomGenerator random) {
        double factor = 1 + jitter * (2 * random.nextDouble() - 1);
        return Duration.ofNanos(Math.round(duration.toNanos() * factor));
    }

    /** The same backoff with {@code max} lowered to {@code cap} (and {@code initial} with it if needed). */
    public Backoff cappedAt(Duration cap) {
        if (cap.compareTo(max) >= 0) {
            return this;
        }
        return new Backoff(initial.compareTo(cap) > 0 ? cap : initial, cap, jitter);
    }
}
