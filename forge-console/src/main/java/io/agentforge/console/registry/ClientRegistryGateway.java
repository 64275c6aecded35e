package io.agentforge.console.registry;

import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import java.util.List;
import java.util.OptionalLong;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** {@link RegistryGateway} over the forge-client SDK. */
@Component
class ClientRegistryGateway implements RegistryGateway {

    private final RegistryClient client;

    ClientRegistryGateway(ObjectProvider<RegistryClient> client) {
        // The starter makes the client only with both settings; fail at startup naming them.
        this.client = client.getIfAvailable();
        if (this.client == null) {
            throw new IllegalStateException("agentforge.api-key (AGENTFORGE_API_KEY) is not set: the console needs"
                    + " its own client key to read the registry and call tools");
        }
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
