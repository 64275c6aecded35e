package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.agentforge.registry.api.Registrations;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class LeaseKeeperTests {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0.1);

    private final MutableClock clock = new MutableClock();
    private final FakeRegistryClient registry = new FakeRegistryClient(clock);
    private LeaseKeeper keeper;

    private static ServiceRegistration registration(String instanceId, Duration lease) {
        return Registrations.tool("calculator")
                .instanceId(instanceId)
                .endpoint("http://127.0.0.1:8083")
                .leaseDuration(lease)
                .build();
    }

    private LeaseKeeper keeper(ServiceRegistration registration) {
        keeper = new LeaseKeeper(registry, registration, FAST, clock, new SplittableRandom(1));
        return keeper;
    }

    @AfterEach
    void close() {
        if (keeper != null) {
            keeper.close();
        }
    }

    @Test
    void registersInTheBackgroundOnStart() {
        keeper(registration("calc-1", Duration.ofMinutes(1))).start();

        await().untilAsserted(() -> assertThat(keeper.state().registered()).isTrue());
        LeaseState state = keeper.state();
        assertThat(state.instanceId()).isEqualTo("calc-1");
        assertThat(state.lastSuccess()).isEqualTo(clock.instant());
        assertThat(state.consecutiveFailures()).isZero();
        assertThat(registry.registrations).hasValue(1);
    }

    @Test
    void keepsTheIdTheRegistryAssigned() {
        keeper(registration(null, Duration.ofMinutes(1))).start();
        await().until(() -> keeper.state().registered());

        keeper.renewNow().join();

        assertThat(keeper.state().instanceId()).isEqualTo("calculator-1");
        assertThat(keeper.registration().instanceId()).isEqualTo("calculator-1");
        assertThat(registry.renewals).hasValue(1);
    }

    @Test
    void renewsByItselfBeforeTheLeaseRunsOut() {
        keeper(registration("calc-1", Duration.ofSeconds(1))).start();

        await().untilAsserted(() -> assertThat(registry.renewals.get()).isGreaterThanOrEqualTo(2));
        assertThat(registry.registrations).hasValue(1);
    }

    @Test
    void registersAgainUnderTheSameIdWhenTheRegistryForgotTheInstance() {
        keeper(registration(null, Duration.ofMinutes(1))).start();
        await().until(() -> keeper.state().registered());
        registry.forget("calculator-1");

        LeaseState state = keeper.renewNow().join();

        assertThat(state.registered()).isTrue();
        assertThat(state.consecutiveFailures()).isZero();
        assertThat(registry.registeredIds).containsExactly("calculator-1", "calculator-1");
        assertThat(registry.known).containsExactly("calculator-1");
    }

    @Nested
    class WhileTheRegistryFails {

        @Test
        void failuresAreCountedRetriedAndNeverThrown() {
            registry.failure = new RegistryUnreachableException("connection refused", null);
            keeper(registration("calc-1", Duration.ofMinutes(1)));

            assertThatCode(() -> keeper.start()).doesNotThrowAnyException();

            await().untilAsserted(() ->
                    assertThat(keeper.state().consecutiveFailures()).isGreaterThanOrEqualTo(3));
            LeaseState state = keeper.state();
            assertThat(state.registered()).isFalse();
            assertThat(state.lastError()).contains("connection refused");
        }

        @Test
        void recoveryResetsTheFailures() {
            registry.failure = new RegistryException(new Problem(503, null, "Unavailable", "restarting"));
            keeper(registration("calc-1", Duration.ofMinutes(1))).start();
            await().until(() -> keeper.state().consecutiveFailures() >= 1);

            registry.failure = null;

            await().untilAsserted(() -> {
                LeaseState state = keeper.state();
                assertThat(state.registered()).isTrue();
                assertThat(state.consecutiveFailures()).isZero();
                assertThat(state.lastError()).isNull();
            });
        }

        @Test
        void theRegistrationCountsAsLostOnceTheLeaseWouldHaveRunOut() {
            keeper(registration("calc-1", Duration.ofSeconds(30))).start();
            await().until(() -> keeper.state().registered());
            registry.failure = new RegistryUnreachableException("down", null);

            clock.advance(Duration.ofSeconds(29));
            assertThat(keeper.state().registered()).isTrue();
            clock.advance(Duration.ofSeconds(2));
            assertThat(keeper.state().registered()).isFalse();
        }
    }

    @Nested
    class Closing {

        @Test
        void deregistersAndStopsRenewing() {
            keeper(registration("calc-1", Duration.ofSeconds(1))).start();
            await().until(() -> keeper.state().registered());

            keeper.close();

            assertThat(registry.deregistered).containsExactly("calc-1");
            assertThat(keeper.state().registered()).isFalse();
            int renewals = registry.renewals.get();
            assertThat(keeper.renewNow().join().registered()).isFalse();
            assertThat(registry.renewals).hasValue(renewals);
        }

        @Test
        void neverThrowsWhenTheRegistryIsDown() {
            keeper(registration("calc-1", Duration.ofMinutes(1))).start();
            await().until(() -> keeper.state().registered());
            registry.failure = new RegistryUnreachableException("down", null);

            assertThatCode(keeper::close).doesNotThrowAnyException();
            assertThatCode(keeper::close).doesNotThrowAnyException();
        }

        @Test
        void beforeStartHasNothingToDeregister() {
            keeper(registration("calc-1", Duration.ofMinutes(1)));

            keeper.close();

            assertThat(registry.deregistered).isEmpty();
            assertThat(registry.registrations).hasValue(0);
        }
    }
}
