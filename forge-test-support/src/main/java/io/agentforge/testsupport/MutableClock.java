package io.agentforge.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock tests move by hand instead of sleeping. Thread-safe: the code under test reads it from its own threads
 * while the test advances it, and {@link #advance} is one atomic update.
 */
public final class MutableClock extends Clock {

    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock at a fixed, arbitrary start (2030-01-01T00:00:00Z), for tests that need no particular time. */
    public MutableClock() {
        this(Instant.parse("2030-01-01T00:00:00Z"));
    }

    /** A clock at the real time, for tests whose clock must agree with another process's. */
    public static MutableClock startingNow() {
        return new MutableClock(Clock.systemUTC().instant());
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now.get();
    }
}
