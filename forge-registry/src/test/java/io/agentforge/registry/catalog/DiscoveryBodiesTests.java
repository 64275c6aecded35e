package io.agentforge.registry.catalog;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/** How long the lease times of a cached discovery answer may age, and who rebuilds it then. */
class DiscoveryBodiesTests {

    private static final DiscoveryProperties PROPERTIES = new DiscoveryProperties(Duration.ofSeconds(1), 1000);
    private static final Instant BUILT = Instant.parse("2030-01-01T00:00:00Z");
    private static final JsonMapper MAPPER = ForgeJacksonModule.mapper();

    private final MutableClock clock = new MutableClock(BUILT);
    private final InMemoryInstanceStore store = new InMemoryInstanceStore(1000);
    // The refresher's tasks wait here until the test runs them.
    private final Queue<Runnable> refresher = new ArrayDeque<>();
    private final DiscoveryBodies bodies =
            bodies(new RegistryView(store, MAPPER, new SimpleMeterRegistry()), refresher::add);

    @Test
    void anAnswerUpToEightMebibytesIsRefreshedEveryLeaseRefresh() {
        DiscoveryBodies.Body body = body(8 * 1024 * 1024 - 1);

        assertThat(body.refreshAfter(PROPERTIES)).isEqualTo(Duration.ofSeconds(1));
        assertThat(body.agedAt(BUILT.plusMillis(999), PROPERTIES)).isFalse();
        assertThat(body.agedAt(BUILT.plusSeconds(1), PROPERTIES)).isTrue();
    }

    @Test
    void aLargerAnswerWaitsOneLeaseRefreshPerStartedEightMebibytes() {
        // The full fetch of 100,000 instances is about 70 MB.
        DiscoveryBodies.Body body = body(70_000_000);

        assertThat(body.refreshAfter(PROPERTIES)).isEqualTo(Duration.ofSeconds(9));
        assertThat(body.agedAt(BUILT.plusSeconds(8), PROPERTIES)).isFalse();
        assertThat(body.agedAt(BUILT.plusSeconds(9), PROPERTIES)).isTrue();
    }

    @Test
    void aReadThatFindsOnlyTheLeaseTimesAgedGetsTheCachedAnswerAndLeavesTheRebuildToTheRefresher() {
        store.register(tool("calc-1", "calculator"), "key", clock.instant());
        DiscoveryBodies.Body first = bodies.services("calculator", null);

        clock.advance(Duration.ofMillis(1500));
        store.renew("calc-1", clock.instant());

        // Aged: this read does not wait for the lease read and the serialization; one rebuild is queued, not two.
        assertThat(bodies.services("calculator", null)).isSameAs(first);
        assertThat(bodies.services("calculator", null)).isSameAs(first);
        assertThat(refresher).hasSize(1);

        refresher.poll().run();
        DiscoveryBodies.Body refreshed = bodies.services("calculator", null);
        assertThat(refreshed).isNotSameAs(first);
        assertThat(refreshed.builtAt()).isEqualTo(clock.instant());
        assertThat(json(refreshed)).contains("\"lastRenewal\":\"" + clock.instant() + "\"");
        assertThat(refresher).isEmpty();
    }

    @Test
    void anAnswerNobodyReadForTwoRefreshPeriodsIsRebuiltByItsReaderNotHandedOutStale() {
        store.register(tool("calc-1", "calculator"), "key", clock.instant());
        DiscoveryBodies.Body first = bodies.services("calculator", null);

        clock.advance(Duration.ofSeconds(2));
        store.renew("calc-1", clock.instant());

        DiscoveryBodies.Body read = bodies.services("calculator", null);
        assertThat(read).isNotSameAs(first);
        assertThat(json(read)).contains("\"lastRenewal\":\"" + clock.instant() + "\"");
        assertThat(refresher).isEmpty();
    }

    @Test
    void aReadAfterARegistrationWaitsForTheNewAnswerItself() {
        store.register(tool("calc-1", "calculator"), "key", clock.instant());
        DiscoveryBodies.Body first = bodies.services("calculator", null);

        store.register(tool("calc-2", "calculator"), "key", clock.instant());

        DiscoveryBodies.Body after = bodies.services("calculator", null);
        assertThat(after.version()).isGreaterThan(first.version());
        assertThat(json(after)).contains("calc-2");
        assertThat(refresher).isEmpty();
    }

    @Test
    void aFailedRefreshKeepsTheCachedAnswerLogsOnceAndLeavesAStaleAnswerToItsReaderWhoSeesTheError() {
        FailingView view = new FailingView(store);
        DiscoveryBodies failing = bodies(view, refresher::add);
        store.register(tool("calc-1", "calculator"), "key", clock.instant());
        DiscoveryBodies.Body first = failing.services("calculator", null);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(DiscoveryBodies.class);
        logged.start();
        logger.addAppender(logged);
        try {
            view.failing = true;
            clock.advance(Duration.ofMillis(1200));
            assertThat(failing.services("calculator", null)).isSameAs(first);
            refresher.poll().run(); // fails inside the refresher, which goes on

            // The failed refresh let go of the answer: the next aged read queues another, which fails too.
            clock.advance(Duration.ofMillis(300));
            assertThat(failing.services("calculator", null)).isSameAs(first);
            assertThat(refresher).hasSize(1);
            refresher.poll().run();
            assertThat(logged.list)
                    .singleElement()
                    .satisfies(event ->
                            assertThat(event.getFormattedMessage()).contains("not refreshed", "lease read failed"));

            // Two periods old: the reader rebuilds it itself and sees why it cannot.
            clock.advance(Duration.ofMillis(500));
            assertThatThrownBy(() -> failing.services("calculator", null)).hasMessage("lease read failed");

            view.failing = false;
            DiscoveryBodies.Body rebuilt = failing.services("calculator", null);
            assertThat(rebuilt.builtAt()).isEqualTo(clock.instant());
        } finally {
            logger.detachAppender(logged);
        }
    }

    @Test
    void aRefresherThatRefusesWorkLeavesTheCachedAnswerAndTheNextAgedReadTriesAgain() {
        AtomicInteger offered = new AtomicInteger();
        DiscoveryBodies refusing = bodies(new RegistryView(store, MAPPER, new SimpleMeterRegistry()), task -> {
            offered.incrementAndGet();
            throw new RejectedExecutionException("shut down");
        });
        store.register(tool("calc-1", "calculator"), "key", clock.instant());
        DiscoveryBodies.Body first = refusing.services("calculator", null);

        clock.advance(Duration.ofMillis(1500));
        assertThat(refusing.services("calculator", null)).isSameAs(first);
        assertThat(refusing.services("calculator", null)).isSameAs(first);

        assertThat(offered).hasValue(2);
    }

    @Test
    void afterCloseAnAgedReadGetsTheCachedAnswerAndTheRefusedRefreshIsNoError() {
        // The production refresher, a thread of its own, which close() shuts down.
        DiscoveryBodies closing = new DiscoveryBodies(
                new RegistryView(store, MAPPER, new SimpleMeterRegistry()), MAPPER, clock, PROPERTIES);
        store.register(tool("calc-1", "calculator"), "key", clock.instant());
        DiscoveryBodies.Body first = closing.services("calculator", null);

        closing.close();
        clock.advance(Duration.ofMillis(1500));

        assertThat(closing.services("calculator", null)).isSameAs(first);
    }

    private DiscoveryBodies bodies(RegistryView view, Executor refresher) {
        return new DiscoveryBodies(view, MAPPER, clock, PROPERTIES, refresher);
    }

    private static String json(DiscoveryBodies.Body body) {
        return new String(body.json(), StandardCharsets.UTF_8);
    }

    private static DiscoveryBodies.Body body(int bytes) {
        byte[] json = new byte[bytes];
        return new DiscoveryBodies.Body(1, 0, BUILT, json, new RegistryView.Gzipped(json));
    }

    /** A view whose reads of the live leases fail (not as an unreachable database) while {@code failing} is set. */
    private static final class FailingView extends RegistryView {
        volatile boolean failing;

        FailingView(InMemoryInstanceStore store) {
            super(store, MAPPER, new SimpleMeterRegistry());
        }

        @Override
        public List<RegisteredService> services(
                Snapshot current, String name, ServiceKind kind, String capability, InstanceStatus status) {
            if (failing) {
                throw new IllegalStateException("lease read failed");
            }
            return super.services(current, name, kind, capability, status);
        }
    }
}
