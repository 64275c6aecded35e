package io.agentforge.agent.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RateLimiterTests {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aCallerMayAskUpToTheLimitThenWaitsForTheBucketToRefill() {
        RateLimiter limiter = new RateLimiter(3, clock);

        assertThat(limiter.acquire("alice")).isEmpty();
        assertThat(limiter.acquire("alice")).isEmpty();
        assertThat(limiter.acquire("alice")).isEmpty();
        assertThat(limiter.acquire("alice")).contains(Duration.ofSeconds(20));

        now = now.plusSeconds(20);
        assertThat(limiter.acquire("alice")).isEmpty();
    }

    @Test
    void callersHaveSeparateBuckets() {
        RateLimiter limiter = new RateLimiter(1, clock);

        assertThat(limiter.acquire("alice")).isEmpty();
        assertThat(limiter.acquire("bob")).isEmpty();
        assertThat(limiter.acquire("alice")).isPresent();
    }
}
