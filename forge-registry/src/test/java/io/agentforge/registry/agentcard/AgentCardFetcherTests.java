package io.agentforge.registry.agentcard;

import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.InstanceStore;

/** The agent-card contract on the memory store. */
class AgentCardFetcherTests extends AgentCardFetcherContract {

    private final InMemoryInstanceStore store = new InMemoryInstanceStore(1000);

    @Override
    protected InstanceStore writer() {
        return store;
    }

    @Override
    protected InstanceStore reader() {
        return store;
    }
}
