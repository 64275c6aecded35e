package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.registry.api.CatalogChanges;
import io.agentforge.registry.api.CatalogChanges.ChangedTool;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Registrations;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.testsupport.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DiscoveryCacheTests {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0);

    private final MutableClock clock = new MutableClock();
    private final FakeRegistryClient registry = new FakeRegistryClient(clock);
    private final DiscoveryCache cache = new DiscoveryCache(registry, FAST, Duration.ofMinutes(1), clock);

    static Catalog calculatorCatalog(long eventId, String... endpoints) {
        if (endpoints.length == 0) {
            return new Catalog(eventId, List.of(), List.of(), Map.of());
        }
        List<CatalogEndpoint> instances = Arrays.stream(endpoints)
                .map(e -> new CatalogEndpoint("calc-" + e.substring(e.lastIndexOf(':') + 1), e, Map.of()))
                .toList();
        return new Catalog(
                eventId,
                List.of(new CatalogFunction(
                        "calculator_evaluate", "Evaluate", Map.of("type", "object"), null, "calculator")),
                List.of(new CatalogService("calculator", "1.0.0", "Calc", instances)),
                Map.of("calculator_evaluate", "calculator"));
    }

    static ChangeEvent change(long id) {
        ServiceRegistration registration = Registrations.tool("calculator")
                .instanceId("calc-1")
                .endpoint("http://127.0.0.1:1")
                .leaseDuration(null)
                .build();
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        return new ChangeEvent(
                id,
                ChangeType.REGISTERED,
                at,
                Instance.of(registration, InstanceStatus.UP, at, at, at.plusSeconds(30)));
    }

    private void startWith(Catalog catalog) throws InterruptedException {
        registry.catalog = catalog;
        cache.start();
        assertThat(cache.awaitCatalog(Duration.ofSeconds(10))).isTrue();
        await().until(cache::isConnected);
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    void loadsTheCatalogThenFollowsTheFeedFromItsEventId() throws InterruptedException {
        startWith(calculatorCatalog(7, "http://127.0.0.1:1"));

        assertThat(registry.catalogEtags).containsExactly("null");
        assertThat(registry.subscriptions).containsExactly(OptionalLong.of(7));
        assertThat(cache.functions()).extracting(CatalogFunction::name).containsExactly("calculator_evaluate");
        assertThat(cache.function("calculator_evaluate")).isPresent();
        assertThat(cache.serviceOf("calculator_evaluate")).hasValue("calculator");
        assertThat(cache.serviceOf("weather_now")).isEmpty();
        assertThat(cache.endpoints("calculator"))
                .extracting(CatalogEndpoint::endpoint)
                .containsExactly("http://127.0.0.1:1");
        assertThat(cache.endpoints("weather")).isEmpty();
        assertThat(cache.lastRefreshed()).hasValue(clock.instant());
        assertThat(cache.staleness()).isZero();
    }

    @Test
    void knowsNothingBeforeTheFirstLoad() {
        clock.advance(Duration.ofSeconds(3));

        assertThat(cache.functions()).isEmpty();
        assertThat(cache.serviceOf("calculator_evaluate")).isEmpty();
        assertThat(cache.lastRefreshed()).isEmpty();
        assertThat(cache.staleness()).isEqualTo(Duration.ofSeconds(3));
        assertThat(cache.isConnected()).isFalse();
    }

    @Nested
    class FollowingTheFeed {

        @Test
        void aChangeTriggersAConditionalRefetch() throws InterruptedException {
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            String etag = registry.etag();
            registry.catalog = calculatorCatalog(8, "http://127.0.0.1:1", "http://127.0.0.1:2");

            registry.feed.event(change(8));

            await().untilAsserted(
                            () -> assertThat(cache.endpoints("calculator")).hasSize(2));
            assertThat(registry.catalogEtags).containsExactly("null", etag);
            assertThat(cache.catalog().eventId()).isEqualTo(8);
        }

        @Test
        void aRevokedKeyLeavesTheCatalogAloneAndTheFeedFollowing() throws InterruptedException {
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            String etag = registry.etag();
            registry.catalog = calculatorCatalog(9, "http://127.0.0.1:1", "http://127.0.0.1:2");

            registry.feed.event(new ChangeEvent(
                    8, ChangeType.KEY_REVOKED, Instant.parse("2030-01-01T00:00:00Z"), null, "abc12345"));
            registry.feed.event(change(9));

            await().untilAsserted(
                            () -> assertThat(cache.endpoints("calculator")).hasSize(2));
            assertThat(registry.catalogEtags)
                    .as("only the instance change refetched")
                    .containsExactly("null", etag);
            assertThat(cache.isConnected()).isTrue();
        }

        @Test
        void anUnchangedCatalogIsKeptAndConfirmedFresh() throws InterruptedException {
            Catalog catalog = calculatorCatalog(7, "http://127.0.0.1:1");
            startWith(catalog);
            clock.advance(Duration.ofSeconds(20));

            registry.feed.event(change(8));

            await().untilAsserted(() -> assertThat(cache.lastRefreshed()).hasValue(clock.instant()));
            assertThat(cache.catalog()).isSameAs(catalog);
            assertThat(cache.staleness()).isZero();
        }

        @Test
        void aResetReloadsTheCatalogUnconditionally() throws InterruptedException {
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            registry.catalog = calculatorCatalog(3);

            registry.feed.reset(3);

            await().untilAsserted(() -> assertThat(cache.functions()).isEmpty());
            assertThat(registry.catalogEtags).containsExactly("null", "null");
            assertThat(registry.subscriptions).hasSize(1);
        }

        @Test
        void heartbeatsConfirmFreshness() throws InterruptedException {
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            clock.advance(Duration.ofSeconds(10));
            assertThat(cache.staleness()).isEqualTo(Duration.ofSeconds(10));

            registry.feed.heartbeat();

            assertThat(cache.staleness()).isZero();
        }
    }

    @Nested
    class ApplyingCatalogChanges {

        @Test
        void aChangeFetchesOnlyTheChangedToolsAndAppliesThem() throws InterruptedException {
            Catalog calculator = calculatorCatalog(7, "http://127.0.0.1:1");
            CatalogFunction weather =
                    new CatalogFunction("weather_now", "Weather", Map.of("type", "object"), null, "weather");
            CatalogService weatherService = new CatalogService(
                    "weather", "2.0.0", "Weather", List.of(new CatalogEndpoint("w-1", "http://127.0.0.1:3", Map.of())));
            registry.changes = since ->
                    new CatalogChanges(8, false, List.of(new ChangedTool("weather", weatherService, List.of(weather))));
            startWith(calculator);

            registry.feed.event(change(8));

            await().untilAsserted(
                            () -> assertThat(cache.serviceOf("weather_now")).hasValue("weather"));
            assertThat(registry.changesAsked).containsExactly(7L);
            assertThat(registry.catalogEtags)
                    .as("the full catalog was read once")
                    .containsExactly("null");
            assertThat(cache.catalog().eventId()).isEqualTo(8);
            assertThat(cache.functions())
                    .extracting(CatalogFunction::name)
                    .containsExactly("calculator_evaluate", "weather_now");
            assertThat(cache.endpoints("calculator")).hasSize(1);
            assertThat(cache.endpoints("weather"))
                    .extracting(CatalogEndpoint::endpoint)
                    .containsExactly("http://127.0.0.1:3");
            assertThat(cache.lastRefreshed()).hasValue(clock.instant());
        }

        @Test
        void aToolThatLeftTheCatalogIsRemoved() throws InterruptedException {
            registry.changes =
                    since -> new CatalogChanges(8, false, List.of(new ChangedTool("calculator", null, List.of())));
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));

            registry.feed.event(change(8));

            await().untilAsserted(() -> assertThat(cache.functions()).isEmpty());
            assertThat(cache.serviceOf("calculator_evaluate")).isEmpty();
            assertThat(cache.endpoints("calculator")).isEmpty();
        }

        @Test
        void aResetAnswerReloadsTheWholeCatalog() throws InterruptedException {
            registry.changes = since -> new CatalogChanges(9, true, List.of());
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            String etag = registry.etag();
            registry.catalog = calculatorCatalog(9, "http://127.0.0.1:1", "http://127.0.0.1:2");

            registry.feed.event(change(9));

            await().untilAsserted(
                            () -> assertThat(cache.endpoints("calculator")).hasSize(2));
            assertThat(registry.changesAsked).containsExactly(7L);
            assertThat(registry.catalogEtags).containsExactly("null", etag);
        }

        @Test
        void anUnchangedCatalogAsOfANewerEventIsAskedForChangesFromThatEvent() throws InterruptedException {
            registry.changes = since -> since == 7
                    ? new CatalogChanges(9, true, List.of())
                    : new CatalogChanges(10, false, List.of(new ChangedTool("calculator", null, List.of())));
            Catalog held = calculatorCatalog(7, "http://127.0.0.1:1");
            startWith(held);
            // Only agents changed: the same catalog, as of event 9.
            registry.catalog = new Catalog(9, held.functions(), held.services(), held.index());

            registry.feed.event(change(9));
            await().untilAsserted(() -> assertThat(cache.catalog().eventId()).isEqualTo(9));
            registry.feed.event(change(10));

            await().untilAsserted(() -> assertThat(cache.functions()).isEmpty());
            assertThat(registry.changesAsked).containsExactly(7L, 9L);
            assertThat(registry.catalogEtags).hasSize(2);
        }

        @Test
        void changesTheRegistryRefusesAreReplacedByAFullRead() throws InterruptedException {
            registry.changes = since -> {
                throw new RegistryException(new Problem(
                        503, URI.create("urn:agentforge:problem:unavailable"), "Database unavailable", "try again"));
            };
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            registry.catalog = calculatorCatalog(8, "http://127.0.0.1:1", "http://127.0.0.1:2");

            registry.feed.event(change(8));

            await().untilAsserted(
                            () -> assertThat(cache.endpoints("calculator")).hasSize(2));
            assertThat(registry.changesAsked).containsExactly(7L);
            assertThat(cache.isConnected()).isTrue();
        }

        @Test
        void aResyncAfterABrokenFeedAsksForTheChangesSinceTheHeldCatalog() throws InterruptedException {
            registry.changes =
                    since -> new CatalogChanges(9, false, List.of(new ChangedTool("calculator", null, List.of())));
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            var first = registry.feed;

            first.breakWith(new RegistryUnreachableException("connection reset", null));

            await().untilAsserted(() -> assertThat(registry.subscriptions).hasSize(2));
            assertThat(registry.subscriptions.get(1)).isEqualTo(OptionalLong.of(9));
            assertThat(registry.changesAsked).containsExactly(7L);
            assertThat(registry.catalogEtags).containsExactly("null");
            assertThat(cache.functions()).isEmpty();
        }
    }

    @Nested
    class WhenTheFeedBreaks {

        @Test
        void itResyncsWithTheEtagAndResumesAfterTheCatalogsEvent() throws InterruptedException {
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            String etag = registry.etag();
            var first = registry.feed;
            registry.catalog = calculatorCatalog(9, "http://127.0.0.1:2");

            first.breakWith(new RegistryUnreachableException("connection reset", null));

            await().untilAsserted(() -> assertThat(registry.subscriptions).hasSize(2));
            assertThat(registry.subscriptions.get(1)).isEqualTo(OptionalLong.of(9));
            assertThat(registry.catalogEtags).containsExactly("null", etag);
            assertThat(cache.endpoints("calculator"))
                    .extracting(CatalogEndpoint::endpoint)
                    .containsExactly("http://127.0.0.1:2");
            await().until(cache::isConnected);
        }

        @Test
        void aSilentFeedIsReopened() throws InterruptedException {
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));

            clock.advance(Duration.ofMinutes(2));

            await().untilAsserted(() -> assertThat(registry.subscriptions).hasSize(2));
        }

        @Test
        void theLastCatalogIsServedWhileTheRegistryIsUnreachableAndStalenessGrows() throws InterruptedException {
            startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
            Instant refreshed = clock.instant();
            registry.failure = new RegistryUnreachableException("connection refused", null);

            registry.feed.breakWith(new RegistryUnreachableException("connection reset", null));

            await().untilAsserted(() -> assertThat(cache.consecutiveFailures()).isGreaterThanOrEqualTo(2));
            assertThat(cache.isConnected()).isFalse();
            Duration before = cache.staleness();
            clock.advance(Duration.ofMinutes(5));
            assertThat(cache.staleness()).isEqualTo(before.plusMinutes(5));
            assertThat(cache.lastRefreshed()).hasValue(refreshed);
            assertThat(cache.serviceOf("calculator_evaluate")).hasValue("calculator");
            assertThat(cache.endpoints("calculator")).hasSize(1);

            registry.failure = null;

            await().untilAsserted(() -> {
                assertThat(cache.isConnected()).isTrue();
                assertThat(cache.consecutiveFailures()).isZero();
                assertThat(cache.staleness()).isZero();
            });
        }
    }

    @Test
    void closingStopsFollowingAndKeepsTheLastCatalog() throws InterruptedException {
        startWith(calculatorCatalog(7, "http://127.0.0.1:1"));
        var feed = registry.feed;

        cache.close();

        assertThat(feed.isOpen()).isFalse();
        assertThat(cache.isConnected()).isFalse();
        assertThat(cache.functions()).hasSize(1);
        assertThat(registry.subscriptions).hasSize(1);
    }
}
