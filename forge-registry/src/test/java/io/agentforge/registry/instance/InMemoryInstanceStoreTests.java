package io.agentforge.registry.instance;

import static io.agentforge.registry.support.Registrations.agent;
import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryInstanceStoreTests extends InstanceStoreContract {

    @Override
    protected InstanceStore createStore() {
        return new InMemoryInstanceStore(1000);
    }

    @Test
    void onlyTheConfiguredNumberOfEventsIsRetained() {
        store = new InMemoryInstanceStore(3);
        for (int i = 0; i < 5; i++) {
            store.register(agent("agent-" + i, "agent"), (String) null, clock.instant());
        }

        assertThat(store.lastEventId()).isEqualTo(5);
        assertThat(store.oldestEventId()).isEqualTo(3);
        assertThat(store.eventsAfter(0, 10)).extracting(e -> e.id()).containsExactly(3L, 4L, 5L);
    }

    @Test
    void eventsAfterAnIdReadFromEitherEndAreTheSame() {
        store = new InMemoryInstanceStore(100, 5000);
        for (int i = 0; i < 40; i++) {
            store.register(agent("agent-" + i, "agent"), (String) null, clock.instant());
        }

        assertThat(store.lastEventId()).isEqualTo(5040);
        assertThat(store.eventsAfter(5001, 3)).extracting(e -> e.id()).containsExactly(5002L, 5003L, 5004L);
        assertThat(store.eventsAfter(5036, 10)).extracting(e -> e.id()).containsExactly(5037L, 5038L, 5039L, 5040L);
        assertThat(store.eventsAfter(5036, 2)).extracting(e -> e.id()).containsExactly(5037L, 5038L);
        assertThat(store.eventsAfter(5040, 10)).isEmpty();
        assertThat(store.eventsAfter(0, 100)).hasSize(40);
    }

    @Test
    void anInstanceTakenOverByAnotherKeyOrExpiredNoLongerCountsForItsFormerKey() {
        Registrant limited = new Registrant("key1", false, 2);
        store.register(tool("calc-1", "calculator"), limited, clock.instant());
        store.register(tool("calc-2", "calculator"), limited, clock.instant());
        store.register(tool("calc-2", "calculator"), new Registrant("admin1", true, 1), clock.instant());

        assertThat(store.register(tool("calc-3", "calculator"), limited, clock.instant())
                        .created())
                .as("calc-2 is the admin's now")
                .isTrue();
        clock.advance(java.time.Duration.ofMinutes(5));
        store.expire(List.of("calc-1"), clock.instant(), clock.instant());
        assertThat(store.register(tool("calc-4", "calculator"), limited, clock.instant())
                        .created())
                .isTrue();
        assertThatThrownBy(() -> store.register(tool("calc-5", "calculator"), limited, clock.instant()))
                .isInstanceOf(InstanceLimitException.class);
    }
}
