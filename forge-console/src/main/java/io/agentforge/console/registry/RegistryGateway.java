package io.agentforge.console.registry;

import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import java.util.List;
import java.util.OptionalLong;

/**
 * What the console reads from the Service Registry, always with its own key. Methods throw
 * {@link io.agentforge.client.RegistryException} when the registry refuses or does not answer.
 */
public interface RegistryGateway {

    List<RegisteredService> services(ServiceQuery query);

    RegistryStatus status();

    /** Follows the change feed on a background thread; see {@link io.agentforge.client.RegistryClient#subscribe}. */
    FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener);
}
