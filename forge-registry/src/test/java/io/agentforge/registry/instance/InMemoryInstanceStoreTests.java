package io.agentforge.registry.instance;

import static io.agentforge.registry.support.Registrations.agent;
import static org.assertj.core.api.Assertions.assertThat;

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
}
