package io.agentforge.console.registry;

import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import java.util.List;
import java.util.OptionalLong;
import org.springframework.stereotype.Component;

/** {@link RegistryGateway} over the forge-client SDK. */
@Component
class ClientRegistryGateway implements RegistryGateway {

    private final RegistryClient client;

    ClientRegistryGateway(RegistryClient client) {
        this.client = client;
    }

    @Override
    public List<RegisteredService> services(ServiceQuery query) {
        return client.services(query);
    }

    @Override
    public RegistryStatus status() {
        return client.status();
    }

    @Override
    public FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener) {
        return client.subscribe(after, listener);
    }
}
