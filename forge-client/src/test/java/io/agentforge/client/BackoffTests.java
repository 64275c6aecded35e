package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BackoffTests {

    /** A generator whose nextDouble() is always {@code value}. */
    private static RandomGenerator fixed(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    @Nested
    class Exponential {

        @Test
        void delaysDoubleFromTheInitialOneUpToTheCap() {
            Backoff backoff = Backoff.DEFAULT;

            assertThat(backoff.base(1)).isEqualTo(Duration.ofSeconds(1));
            assertThat(backoff.base(2)).isEqualTo(Duration.ofSeconds(2));
            assertThat(backoff.base(5)).isEqualTo(Duration.ofSeconds(16));
            assertThat(backoff.base(6)).isEqualTo(Duration.ofSeconds(30));
            assertThat(backoff.base(1_000_000)).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void cappingLowersTheMaximumAndNeverRaisesIt() {
            Backoff capped = Backoff.DEFAULT.cappedAt(Duration.ofSeconds(10));

            assertThat(capped.base(10)).isEqualTo(Duration.ofSeconds(10));
            assertThat(Backoff.DEFAULT.cappedAt(Duration.ofMinutes(5))).isEqualTo(Backoff.DEFAULT);
            assertThat(Backoff.DEFAULT.cappedAt(Duration.ofMillis(300)).base(1)).isEqualTo(Duration.ofMillis(300));
        }

        @Test
        void zeroFailuresHaveNoDelay() {
            assertThatIllegalArgumentException().isThrownBy(() -> Backoff.DEFAULT.base(0));
        }
    }

    @Nested
    class Jitter {

        @Test
        void spreadsByTenPercentEitherWay() {
            Backoff backoff = Backoff.DEFAULT;
            Duration tenSeconds = Duration.ofSeconds(10);

            assertThat(backoff.jittered(tenSeconds, fixed(0.0))).isEqualTo(Duration.ofSeconds(9));
            assertThat(backoff.jittered(tenSeconds, fixed(0.5))).isEqualTo(tenSeconds);
            assertThat(backoff.jittered(tenSeconds, fixed(0.999999)))
                    .isLessThan(Duration.ofSeconds(11))
                    .isGreaterThan(Duration.ofMillis(10_999));
        }

        @Test
        void randomDelaysStayWithinTheBand() {
            Backoff backoff = Backoff.DEFAULT;
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < 1000; i++) {
                assertThat(backoff.delay(3, random)).isBetween(Duration.ofMillis(3600), Duration.ofMillis(4400));
            }
        }

        @Test
        void renewalsComeEveryThirdOfTheLeaseWithJitter() {
            Duration interval = LeaseKeeper.renewalInterval(Duration.ofSeconds(30));

            assertThat(interval).isEqualTo(Duration.ofSeconds(10));
            assertThat(Backoff.DEFAULT.jittered(interval, fixed(0))).isEqualTo(Duration.ofSeconds(9));
        }

        @Test
        void noJitterMeansExactDelays() {
            Backoff exact = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0);

            assertThat(exact.delay(3, new SplittableRandom())).isEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.0));
    }
}
