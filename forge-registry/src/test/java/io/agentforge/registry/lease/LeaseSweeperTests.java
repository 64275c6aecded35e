package io.agentforge.registry.lease;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.support.UnreachableDatabase;
import io.agentforge.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LeaseSweeperTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryInstanceStore store = new InMemoryInstanceStore(1000);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LeaseSweeper sweeper = new LeaseSweeper(
            store,
            new LeaseProperties(
                    Duration.ofSeconds(1),
                    new LeaseProperties.SelfPreservation(true, 0.5, 5, Duration.ofMinutes(15)),
                    Duration.ofSeconds(30)),
            clock,
            meters);

    private void register(int count, String prefix) {
        for (int i = 0; i < count; i++) {
            store.register(tool(prefix + "-" + i, prefix), "key", clock.instant());
        }
    }

    @Test
    void anInstanceThatStopsRenewingExpiresAfterItsLease() {
        register(1, "calc");
        clock.advance(Duration.ofSeconds(30));
        assertThat(sweeper.sweep()).as("a lease is valid up to its expiry").isEmpty();

        clock.advance(Duration.ofMillis(1));

        assertThat(sweeper.sweep()).extracting(s -> s.instance().instanceId()).containsExactly("calc-0");
        assertThat(store.count()).isZero();
        assertThat(meters.get("agentforge.registry.expirations").counter().count())
                .isEqualTo(1);
    }

    @Test
    void renewedInstancesStay() {
        register(1, "calc");
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(20));
            store.renew("calc-0", clock.instant());
            assertThat(sweeper.sweep()).isEmpty();
        }
        assertThat(store.count()).isEqualTo(1);
    }

    @Nested
    class SelfPreservation {

        @Test
        void pausesWhenMoreThanTheThresholdWouldExpireAtOnce() {
            register(10, "calc");
            clock.advance(Duration.ofSeconds(31));

            assertThat(sweeper.sweep()).isEmpty();

            assertThat(store.count()).isEqualTo(10);
            assertThat(sweeper.selfPreservation().active()).isTrue();
            assertThat(sweeper.selfPreservation().since()).isEqualTo(clock.instant());
            assertThat(sweeper.selfPreservation().lastExpiring()).isEqualTo(10);
            assertThat(meters.get("agentforge.registry.self.preservation")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
        }

        @Test
        void resumesAndExpiresTheRestWhenRenewalsRecover() {
            register(10, "calc");
            clock.advance(Duration.ofSeconds(31));
            sweeper.sweep();

            for (int i = 0; i < 6; i++) {
                store.renew("calc-" + i, clock.instant());
            }

            assertThat(sweeper.sweep()).hasSize(4);
            assertThat(sweeper.selfPreservation().active()).isFalse();
            assertThat(meters.get("agentforge.registry.self.preservation")
                            .gauge()
                            .value())
                    .isEqualTo(0.0);
            assertThat(store.count()).isEqualTo(6);
        }

        @Test
        void aPauseEndsAfterItsMaximumDurationAndTheLeasesThatNeverCameBackExpire() {
            register(10, "calc");
            clock.advance(Duration.ofSeconds(31));
            sweeper.sweep();
            clock.advance(Duration.ofMinutes(14));
            assertThat(sweeper.sweep()).as("still within 15 minutes").isEmpty();

            clock.advance(Duration.ofMinutes(1));

            assertThat(sweeper.sweep()).hasSize(10);
            assertThat(store.count()).isZero();
            assertThat(sweeper.selfPreservation().active()).isFalse();
        }

        @Test
        void neverEngagesBelowTheMinimumNumberOfInstances() {
            register(4, "calc");
            clock.advance(Duration.ofSeconds(31));

            assertThat(sweeper.sweep()).hasSize(4);
            assertThat(sweeper.selfPreservation().active()).isFalse();
        }

        @Test
        void aShareAtTheThresholdStillExpires() {
            register(5, "old");
            clock.advance(Duration.ofSeconds(20));
            register(5, "new");
            clock.advance(Duration.ofSeconds(11));

            assertThat(sweeper.sweep()).hasSize(5);
            assertThat(sweeper.selfPreservation().active()).isFalse();
        }

        @Test
        void canBeSwitchedOff() {
            LeaseSweeper unprotected = new LeaseSweeper(
                    store,
                    new LeaseProperties(
                            Duration.ofSeconds(1),
                            new LeaseProperties.SelfPreservation(false, 0.5, 5, Duration.ofMinutes(15)),
                            Duration.ofSeconds(30)),
                    clock,
                    meters);
            register(10, "calc");
            clock.advance(Duration.ofSeconds(31));

            assertThat(unprotected.sweep()).hasSize(10);
        }
    }

    @Nested
    class AfterADatabaseOutage {

        private volatile boolean databaseDown;

        // The in-memory store, except that reading the leases fails as a lost database connection does.
        private final InstanceStore flaky =
                UnreachableDatabase.failing(store, () -> databaseDown, Set.of("expiredBefore"));

        private final LeaseSweeper sweeper = new LeaseSweeper(
                flaky,
                new LeaseProperties(
                        Duration.ofSeconds(1),
                        new LeaseProperties.SelfPreservation(false, 0.5, 5, Duration.ofMinutes(15)),
                        Duration.ofSeconds(30)),
                clock,
                meters);

        @Test
        void leasesThatRanOutDuringItGetTheGraceToBeRenewedAndThoseNotRenewedThenExpire() {
            Instant start = clock.instant();
            register(1, "quiet");
            register(1, "renewing");
            clock.advance(Duration.ofSeconds(10));
            sweeper.scheduledSweep();

            databaseDown = true;
            clock.advance(Duration.ofSeconds(30)); // both 30 s leases ran out while the sweep could not read them
            sweeper.scheduledSweep();
            databaseDown = false;
            clock.advance(Duration.ofSeconds(5));
            sweeper.scheduledSweep();

            assertThat(store.find("quiet-0")).as("within the grace").isPresent();
            assertThat(store.find("renewing-0")).isPresent();
            clock.advance(Duration.ofSeconds(15));
            store.renew("renewing-0", clock.instant()); // 60 s: renewed within the grace

            clock.set(start.plusSeconds(45 + 30).plusMillis(500)); // the grace ended at 75 s
            assertThat(sweeper.sweep())
                    .extracting(s -> s.instance().instanceId())
                    .containsExactly("quiet-0");
            assertThat(store.find("renewing-0")).isPresent();
        }
    }
}
