package io.agentforge.registry.instance;

import static io.agentforge.registry.support.Registrations.agent;
import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceProtocol;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link InstanceStore} must have; run against each implementation. */
abstract class InstanceStoreContract {

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    protected InstanceStore store;

    protected abstract InstanceStore createStore();

    /** Makes acknowledged renewals durable where the store batches them. */
    protected void settle() {}

    @BeforeEach
    void setUpStore() {
        store = createStore();
    }

    @Nested
    class Registration {

        @Test
        void newInstanceIsCreatedUpWithALeaseAndAnEvent() {
            Registered registered =
                    store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());

            assertThat(registered.created()).isTrue();
            assertThat(registered.instance().status()).isEqualTo(InstanceStatus.UP);
            assertThat(registered.instance().expiresAt())
                    .isEqualTo(clock.instant().plusSeconds(30));
            assertThat(store.find("calc-1")).get().satisfies(s -> {
                assertThat(s.ownerKeyId()).isEqualTo("key1");
                assertThat(s.instance().functions()).extracting(f -> f.name()).containsExactly("calculator_add");
            });
            assertThat(store.eventsAfter(0, 10)).singleElement().satisfies(e -> {
                assertThat(e.type()).isEqualTo(ChangeType.REGISTERED);
                assertThat(e.instance().instanceId()).isEqualTo("calc-1");
            });
            assertThat(store.lastEventId())
                    .isEqualTo(store.eventsAfter(0, 10).getFirst().id());
        }

        @Test
        void anMcpServersProtocolAndToolNamesAreKeptAndFedToTheChangeFeed() {
            ServiceRegistration mcp = new ServiceRegistration(
                    "weather-1",
                    "weather",
                    ServiceKind.TOOL,
                    ServiceProtocol.MCP,
                    null,
                    null,
                    "http://10.0.0.7:9000/mcp",
                    null,
                    null,
                    List.of(new FunctionDescriptor("weather_get_weather", "Weather", null, null, "getWeather")),
                    new HealthCheck(null, null),
                    null);

            store.register(mcp, "key1", clock.instant());

            assertThat(store.find("weather-1")).get().satisfies(s -> {
                assertThat(s.instance().protocol()).isEqualTo(ServiceProtocol.MCP);
                assertThat(s.instance().registration()).isEqualTo(mcp);
                assertThat(s.instance().functions().getFirst().mcpName()).isEqualTo("getWeather");
            });
            assertThat(store.eventsAfter(0, 10).getFirst().instance().protocol())
                    .isEqualTo(ServiceProtocol.MCP);
        }

        @Test
        void registeringTheSameIdAgainUpdatesAndKeepsStatusAndRegistrationTime() {
            Instant first = clock.instant();
            store.register(tool("calc-1", "calculator", "calculator_add"), "key1", first);
            store.changeStatus("calc-1", InstanceStatus.DOWN, first);
            clock.advance(Duration.ofSeconds(5));

            Registered again = store.register(
                    tool("calc-1", "calculator", "calculator_add", "calculator_sub"), "key1", clock.instant());

            assertThat(again.created()).isFalse();
            assertThat(again.instance().status()).isEqualTo(InstanceStatus.DOWN);
            assertThat(again.instance().registeredAt()).isEqualTo(first);
            assertThat(again.instance().functions()).hasSize(2);
            assertThat(store.count()).isEqualTo(1);
            assertThat(store.eventsAfter(0, 10))
                    .extracting(ChangeEvent::type)
                    .containsExactly(ChangeType.REGISTERED, ChangeType.STATUS_CHANGED, ChangeType.UPDATED);
        }

        @Test
        void aFunctionNameOwnedByAnotherServiceIsAConflict() {
            store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());

            assertThatThrownBy(() -> store.register(tool("evil-1", "evil", "calculator_add"), "key2", clock.instant()))
                    .isInstanceOf(FunctionConflictException.class)
                    .hasMessageContaining("calculator_add")
                    .hasMessageContaining("calculator");
            assertThat(store.find("evil-1")).isEmpty();
            assertThat(store.eventsAfter(0, 10)).hasSize(1);
        }

        @Test
        void instancesOfTheSameServiceShareTheirFunctions() {
            store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());

            store.register(tool("calc-2", "calculator", "calculator_add"), "key1", clock.instant());

            assertThat(store.count()).isEqualTo(2);
        }

        @Test
        void aFunctionNameStaysWithItsServiceWhileNoInstanceIsLiveUntilTheNameIsReleased() {
            store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());
            store.deregister("calc-1", clock.instant());

            assertThatThrownBy(
                            () -> store.register(tool("other-1", "other", "calculator_add"), "key2", clock.instant()))
                    .isInstanceOf(FunctionConflictException.class);
            assertThat(store.releaseOwner("calculator")).isEqualTo(OwnerRelease.RELEASED);

            assertThat(store.register(tool("other-1", "other", "calculator_add"), "key2", clock.instant())
                            .created())
                    .isTrue();
        }
    }

    @Nested
    class Ownership {

        @Test
        void theFirstRegistrationClaimsTheNameForItsKeyAndKind() {
            store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());

            assertThat(store.ownerOfService("calculator")).get().satisfies(owner -> {
                assertThat(owner.keyId()).isEqualTo("key1");
                assertThat(owner.kind()).isEqualTo(ServiceKind.TOOL);
                assertThat(owner.claimedAt()).isEqualTo(clock.instant());
            });
            assertThat(store.ownerOfService("nothing")).isEmpty();
        }

        @Test
        void anotherKeyCannotTakeANameAlsoWhenNoInstanceOfItIsLive() {
            store.register(tool("calc-1", "calculator"), "key1", clock.instant());
            store.deregister("calc-1", clock.instant());
            long events = store.lastEventId();

            assertThatThrownBy(() -> store.register(tool("squat-1", "calculator"), "key2", clock.instant()))
                    .isInstanceOf(NameOwnedException.class)
                    .hasMessageContaining("calculator")
                    .hasMessageNotContaining("key1");
            assertThat(store.find("squat-1")).isEmpty();
            assertThat(store.lastEventId()).isEqualTo(events);
            assertThat(store.register(tool("calc-2", "calculator"), "key1", clock.instant())
                            .created())
                    .isTrue();
        }

        @Test
        void anAdminMayJoinAServiceButTheNameStaysWithItsOwner() {
            store.register(tool("calc-1", "calculator"), "key1", clock.instant());

            store.register(tool("calc-2", "calculator"), new Registrant("admin1", true, 1), clock.instant());

            assertThat(store.ownerOf("calc-2")).contains("admin1");
            assertThat(store.ownerOfService("calculator"))
                    .get()
                    .satisfies(owner -> assertThat(owner.keyId()).isEqualTo("key1"));
        }

        @Test
        void aNameOwnedAsOneKindCannotBeRegisteredAsTheOther() {
            store.register(tool("helper-1", "helper"), "key1", clock.instant());

            assertThatThrownBy(() -> store.register(agent("helper-2", "helper"), "key1", clock.instant()))
                    .isInstanceOf(KindConflictException.class)
                    .hasMessageContaining("TOOL");
            assertThatThrownBy(() -> store.register(
                            agent("helper-3", "helper"), new Registrant("admin1", true, 1), clock.instant()))
                    .isInstanceOf(KindConflictException.class);
        }

        @Test
        void aNameIsReleasedOnlyWhenOwnedAndNoInstanceIsLive() {
            store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());

            assertThat(store.releaseOwner("calculator")).isEqualTo(OwnerRelease.IN_USE);
            store.deregister("calc-1", clock.instant());
            assertThat(store.releaseOwner("calculator")).isEqualTo(OwnerRelease.RELEASED);
            assertThat(store.releaseOwner("calculator")).isEqualTo(OwnerRelease.NOT_OWNED);
            assertThat(store.ownerOfService("calculator")).isEmpty();

            store.register(agent("calc-2", "calculator"), "key2", clock.instant());
            assertThat(store.ownerOfService("calculator")).get().satisfies(owner -> {
                assertThat(owner.keyId()).isEqualTo("key2");
                assertThat(owner.kind()).isEqualTo(ServiceKind.AGENT);
            });
        }

        @Test
        void aKeyHoldsNoMoreInstancesThanItsLimitButMayUpdateThem() {
            Registrant limited = new Registrant("key1", false, 2);
            store.register(tool("calc-1", "calculator"), limited, clock.instant());
            store.register(tool("calc-2", "calculator"), limited, clock.instant());

            assertThatThrownBy(() -> store.register(tool("calc-3", "calculator"), limited, clock.instant()))
                    .isInstanceOf(InstanceLimitException.class)
                    .hasMessageContaining("2");
            assertThat(store.register(tool("calc-2", "calculator"), limited, clock.instant())
                            .created())
                    .isFalse();
            assertThat(store.register(tool("calc-3", "calculator"), new Registrant("admin1", true, 2), clock.instant())
                            .created())
                    .as("admins are not limited")
                    .isTrue();
            store.deregister("calc-1", clock.instant());
            assertThat(store.register(tool("calc-4", "calculator"), limited, clock.instant())
                            .created())
                    .isTrue();
        }
    }

    @Nested
    class Leases {

        @Test
        void renewalExtendsTheLeaseFromNow() {
            store.register(tool("calc-1", "calculator"), "key1", clock.instant());
            clock.advance(Duration.ofSeconds(20));

            Lease lease = store.renew("calc-1", clock.instant()).orElseThrow();
            settle();

            assertThat(lease.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
            assertThat(store.find("calc-1"))
                    .get()
                    .satisfies(s -> assertThat(s.instance().expiresAt()).isEqualTo(lease.expiresAt()));
            assertThat(store.leases(List.of("calc-1", "ghost"))).containsOnlyKeys("calc-1");
            assertThat(store.eventsAfter(0, 10)).as("renewals append no event").hasSize(1);
        }

        @Test
        void renewalOfUnknownInstanceIsEmpty() {
            assertThat(store.renew("ghost", clock.instant())).isEmpty();
            assertThat(store.ownerOf("ghost")).isEmpty();
        }

        @Test
        void onlyLeasesThatEndedBeforeTheCutoffExpire() {
            store.register(tool("old-1", "old"), "key1", clock.instant());
            clock.advance(Duration.ofSeconds(20));
            store.register(tool("new-1", "new"), "key1", clock.instant());
            clock.advance(Duration.ofSeconds(11));

            List<String> due = store.expiredBefore(clock.instant());
            List<StoredInstance> expired = store.expire(due, clock.instant(), clock.instant());

            assertThat(due).containsExactly("old-1");
            assertThat(expired).extracting(s -> s.instance().instanceId()).containsExactly("old-1");
            assertThat(store.find("old-1")).isEmpty();
            assertThat(store.renew("old-1", clock.instant())).isEmpty();
            assertThat(store.eventsAfter(0, 10)).last().satisfies(e -> {
                assertThat(e.type()).isEqualTo(ChangeType.EXPIRED);
                assertThat(e.instance().instanceId()).isEqualTo("old-1");
            });
        }

        @Test
        void aRenewalAfterTheSweeperLookedSavesTheInstance() {
            store.register(tool("calc-1", "calculator"), "key1", clock.instant());
            clock.advance(Duration.ofSeconds(31));
            List<String> due = store.expiredBefore(clock.instant());

            store.renew("calc-1", clock.instant());
            settle();

            assertThat(store.expire(due, clock.instant(), clock.instant())).isEmpty();
            assertThat(store.find("calc-1")).isPresent();
        }
    }

    @Nested
    class Changes {

        @Test
        void deregistrationRemovesAndRecordsTheInstanceAsItWas() {
            store.register(tool("calc-1", "calculator"), "key1", clock.instant());

            assertThat(store.deregister("calc-1", clock.instant())).isPresent();

            assertThat(store.deregister("calc-1", clock.instant())).isEmpty();
            assertThat(store.find("calc-1")).isEmpty();
            assertThat(store.eventsAfter(0, 10))
                    .extracting(ChangeEvent::type)
                    .containsExactly(ChangeType.REGISTERED, ChangeType.DEREGISTERED);
        }

        @Test
        void statusChangesOnlyRecordAnEventWhenTheStatusDiffers() {
            store.register(tool("calc-1", "calculator"), "key1", clock.instant());

            assertThat(store.changeStatus("calc-1", InstanceStatus.UP, clock.instant()))
                    .isFalse();
            assertThat(store.changeStatus("calc-1", InstanceStatus.DOWN, clock.instant()))
                    .isTrue();
            assertThat(store.changeStatus("calc-1", InstanceStatus.DOWN, clock.instant()))
                    .isFalse();
            assertThat(store.changeStatus("ghost", InstanceStatus.DOWN, clock.instant()))
                    .isFalse();

            assertThat(store.find("calc-1"))
                    .get()
                    .satisfies(s -> assertThat(s.instance().status()).isEqualTo(InstanceStatus.DOWN));
            assertThat(store.eventsAfter(0, 10))
                    .extracting(ChangeEvent::type)
                    .containsExactly(ChangeType.REGISTERED, ChangeType.STATUS_CHANGED);
        }

        @Test
        void eventIdsIncreaseAndPagingResumesAfterAnId() {
            for (int i = 0; i < 5; i++) {
                store.register(agent("agent-" + i, "agent"), (String) null, clock.instant());
            }
            List<ChangeEvent> all = store.eventsAfter(0, 100);

            assertThat(all)
                    .extracting(ChangeEvent::id)
                    .isSorted()
                    .doesNotHaveDuplicates()
                    .hasSize(5);
            assertThat(store.eventsAfter(all.get(1).id(), 2))
                    .extracting(ChangeEvent::id)
                    .containsExactly(all.get(2).id(), all.get(3).id());
            assertThat(store.eventsAfter(all.getLast().id(), 10)).isEmpty();
            assertThat(store.oldestEventId()).isLessThanOrEqualTo(all.getFirst().id());
        }

        @Test
        void aRevokedKeyIsAnEventWithItsIdAndNoInstance() {
            store.register(tool("calc-1", "calculator"), "key1", clock.instant());

            store.keyRevoked("key1", clock.instant());

            assertThat(store.eventsAfter(0, 10)).last().satisfies(e -> {
                assertThat(e.type()).isEqualTo(ChangeType.KEY_REVOKED);
                assertThat(e.keyId()).isEqualTo("key1");
                assertThat(e.instance()).isNull();
                assertThat(e.at()).isEqualTo(clock.instant());
                assertThat(e.id()).isEqualTo(store.lastEventId());
            });
            assertThat(store.eventsAfter(0, 10).getFirst().keyId()).isNull();
        }

        @Test
        void ownerIsEmptyStringForInstancesRegisteredWithoutAKey() {
            store.register(agent("agent-1", "agent"), (String) null, clock.instant());

            assertThat(store.ownerOf("agent-1")).contains("");
            assertThat(store.all()).extracting(s -> s.instance().instanceId()).containsExactly("agent-1");
            assertThat(store.all().getFirst().instance().metadata()).isEqualTo(Map.of());
        }
    }
}
