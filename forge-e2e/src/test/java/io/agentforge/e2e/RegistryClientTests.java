package io.agentforge.e2e;

import static io.agentforge.registry.api.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.client.CatalogResult;
import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.FunctionSearch;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.RegistryException;
import io.agentforge.client.ServiceQuery;
import io.agentforge.client.UnknownInstanceException;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.SearchMode;
import io.agentforge.registry.api.ServiceKind;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link HttpRegistryClient} against a real registry: the wire contract as the server implements it. */
class RegistryClientTests {

    private static RegistryServer registry;
    private static ApiKeyCreated clientKey;
    private static HttpRegistryClient service;
    private static HttpRegistryClient caller;

    @BeforeAll
    static void startRegistry() {
        registry = RegistryServer.start();
        service = registry.client(registry.createKey("svc-tests", Role.SERVICE).key());
        clientKey = registry.createKey("caller-tests", Role.CLIENT);
        caller = registry.client(clientKey.key());
    }

    @AfterAll
    static void stopRegistry() {
        service.close();
        caller.close();
        registry.close();
    }

    @Nested
    class Instances {

        @Test
        void aRegisteredInstanceIsUpWithALeaseAndCanBeLookedUp() {
            Instance instance = service.register(tool("alpha", "alpha-1", "http://127.0.0.1:9001", "alpha_add"));

            assertThat(instance.status()).isEqualTo(InstanceStatus.UP);
            assertThat(instance.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
            assertThat(instance.expiresAt()).isEqualTo(instance.lastRenewal().plusSeconds(30));
            assertThat(caller.instance("alpha-1"))
                    .hasValueSatisfying(found -> assertThat(found.functions())
                            .extracting(f -> f.name())
                            .containsExactly("alpha_add"));
            assertThat(caller.services(ServiceQuery.all().withName("alpha").withKind(ServiceKind.TOOL)))
                    .singleElement()
                    .satisfies(found -> assertThat(found.instances()).hasSize(1));
            assertThat(caller.services(ServiceQuery.all().withCapability("no-such-capability")))
                    .isEmpty();
        }

        @Test
        void aRegistrationWithoutIdGetsOne() {
            Instance instance = service.register(tool("anonymous", null, "http://127.0.0.1:9002"));

            assertThat(instance.instanceId()).startsWith("anonymous-");
        }

        @Test
        void renewalMovesTheLeaseOn() {
            Instance instance = service.register(tool("bravo", "bravo-1", "http://127.0.0.1:9003"));

            Lease lease = service.renew("bravo-1");

            assertThat(lease.instanceId()).isEqualTo("bravo-1");
            assertThat(lease.expiresAt()).isAfterOrEqualTo(instance.expiresAt());
            assertThat(lease.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
        }

        @Test
        void renewalOfAnUnknownInstanceIsTypedNotFound() {
            assertThatThrownBy(() -> service.renew("never-registered"))
                    .isInstanceOfSatisfying(UnknownInstanceException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.problem().is("not-found")).isTrue();
                        assertThat(e.problem().detail()).contains("never-registered");
                    });
        }

        @Test
        void deregistrationRemovesTheInstanceOnce() {
            service.register(tool("charlie", "charlie-1", "http://127.0.0.1:9004"));

            assertThat(service.deregister("charlie-1")).isTrue();
            assertThat(caller.instance("charlie-1")).isEmpty();
            assertThat(service.deregister("charlie-1")).isFalse();
        }
    }

    @Nested
    class Problems {

        @Test
        void aClientKeyMayNotRegister() {
            assertThatThrownBy(() -> caller.register(tool("delta", "delta-1", "http://127.0.0.1:9005")))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.problem().is("forbidden")).isTrue();
                        assertThat(e.getMessage()).doesNotContain(clientKey.key());
                    });
        }

        @Test
        void anUnknownKeyIsUnauthorized() {
            try (HttpRegistryClient stranger = registry.client("af_unknown00_" + "x".repeat(32))) {
                assertThatThrownBy(stranger::status).isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.problem().is("unauthorized")).isTrue();
                });
            }
        }

        @Test
        void aFunctionNameTakenByAnotherToolIsAConflict() {
            service.register(tool("echo", "echo-1", "http://127.0.0.1:9006", "shared_name"));

            assertThatThrownBy(() ->
                            service.register(tool("foxtrot", "foxtrot-1", "http://127.0.0.1:9007", "shared_name")))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.status()).isEqualTo(409);
                        assertThat(e.problem().is("function-conflict")).isTrue();
                    });
        }
    }

    @Nested
    class Catalog {

        @Test
        void theEtagSavesRefetchesUntilTheCatalogChanges() {
            CatalogResult first = caller.catalog(null);
            assertThat(first).isInstanceOf(CatalogResult.Modified.class);
            assertThat(first.etag()).startsWith("W/\"");

            CatalogResult again = caller.catalog(first.etag());
            assertThat(again).isInstanceOf(CatalogResult.NotModified.class);
            assertThat(again.eventId()).isGreaterThanOrEqualTo(first.eventId());

            service.register(tool("golf", "golf-1", "http://127.0.0.1:9008", "golf_swing"));

            CatalogResult changed = caller.catalog(first.etag());
            assertThat(changed).isInstanceOfSatisfying(CatalogResult.Modified.class, modified -> {
                assertThat(modified.catalog().index()).containsEntry("golf_swing", "golf");
                assertThat(modified.eventId()).isGreaterThan(first.eventId());
                assertThat(modified.etag()).isNotEqualTo(first.etag());
            });
        }

        @Test
        void searchFindsARegisteredFunctionByItsWordsAndTheServerRefusesAnUnknownKey() {
            service.register(tool("inn", "inn-1", "http://127.0.0.1:9010", "inn_book_room", "inn_cancel_booking"));

            CatalogSearchResult found = caller.searchFunctions(
                    FunctionSearch.of("cancel my inn booking", 5).withMode(SearchMode.LEXICAL));

            assertThat(found.mode()).isEqualTo(SearchMode.LEXICAL);
            assertThat(found.matches()).first().satisfies(match -> {
                assertThat(match.name()).isEqualTo("inn_cancel_booking");
                assertThat(match.service()).isEqualTo("inn");
                assertThat(match.lexicalScore()).isPositive();
            });
            try (HttpRegistryClient stranger = registry.client("af_unknownkey01_abcdefghijklmnopqrstuvwxyz")) {
                assertThatThrownBy(() -> stranger.searchFunctions("cancel my inn booking", 5))
                        .isInstanceOfSatisfying(
                                RegistryException.class,
                                e -> assertThat(e.status()).isEqualTo(401));
            }
        }

        @Test
        void theRegistryReportsItsStatus() {
            assertThat(caller.status().store()).isEqualTo("memory");
        }
    }

    @Nested
    class ChangeFeed {

        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final ChangeFeedListener listener = new ChangeFeedListener() {
            @Override
            public void onEvent(ChangeEvent event) {
                received.add(event);
            }

            @Override
            public void onReset(long lastEventId) {
                received.add("reset " + lastEventId);
            }
        };

        private ChangeEvent nextEventFor(String instanceId) throws InterruptedException {
            while (true) {
                Object next = received.poll(10, TimeUnit.SECONDS);
                assertThat(next).as("an event for " + instanceId).isNotNull();
                if (next instanceof ChangeEvent event
                        && event.instance().instanceId().equals(instanceId)) {
                    return event;
                }
            }
        }

        @Test
        void followsRegistrationsAndRemovalsAfterTheCatalogsEvent() throws InterruptedException {
            long after = caller.catalog(null).eventId();
            try (FeedSubscription subscription = caller.subscribe(OptionalLong.of(after), listener)) {
                service.register(tool("hotel", "hotel-1", "http://127.0.0.1:9009", "hotel_book"));
                ChangeEvent registered = nextEventFor("hotel-1");
                assertThat(registered.type()).isEqualTo(ChangeType.REGISTERED);
                assertThat(registered.id()).isGreaterThan(after);

                service.deregister("hotel-1");
                ChangeEvent deregistered = nextEventFor("hotel-1");
                assertThat(deregistered.type()).isEqualTo(ChangeType.DEREGISTERED);
                assertThat(deregistered.id()).isGreaterThan(registered.id());
                assertThat(subscription.isOpen()).isTrue();
            }
        }

        @Test
        void resumingFromAPointTheRegistryNeverReachedIsAReset() throws InterruptedException {
            long latest = caller.catalog(null).eventId();
            try (FeedSubscription ignored = caller.subscribe(OptionalLong.of(latest + 1000), listener)) {
                Object first = received.poll(10, TimeUnit.SECONDS);

                assertThat(first)
                        .isInstanceOfSatisfying(
                                String.class, reset -> assertThat(reset).startsWith("reset "));
            }
        }
    }

    @Nested
    class Introspection {

        @Test
        void aServiceLearnsTheRolesOfAValidKey() {
            IntrospectionResult result = service.introspect(clientKey.key());

            assertThat(result.active()).isTrue();
            assertThat(result.keyId()).isEqualTo(clientKey.keyId());
            assertThat(result.roles()).containsExactly(Role.CLIENT);
        }

        @Test
        void anUnknownKeyIsInactive() {
            assertThat(service.introspect("af_unknown00_" + "y".repeat(32)).active())
                    .isFalse();
        }

        @Test
        void aClientKeyMayNotIntrospect() {
            assertThatThrownBy(() -> caller.introspect(clientKey.key()))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
    }
}
