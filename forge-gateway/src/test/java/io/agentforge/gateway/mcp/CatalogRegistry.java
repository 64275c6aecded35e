package io.agentforge.gateway.mcp;

import io.agentforge.client.CatalogResult;
import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceRegistration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/** A registry that serves a settable catalog and keeps the feed listener, so a test can announce changes. */
final class CatalogRegistry implements RegistryClient {

    volatile Catalog catalog;
    volatile ChangeFeedListener listener;

    @Override
    public CatalogResult catalog(@Nullable String etag) {
        return new CatalogResult.Modified(catalog, null);
    }

    @Override
    public FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener) {
        this.listener = listener;
        return new FeedSubscription() {
            private volatile boolean open = true;

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public long lastEventId() {
                return catalog.eventId();
            }

            @Override
            public void close() {
                open = false;
            }
        };
    }

    @Override
    public Instance register(ServiceRegistration registration) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Lease renew(String instanceId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean deregister(String instanceId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<Instance> instance(String instanceId) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<RegisteredService> services(ServiceQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RegistryStatus status() {
        throw new UnsupportedOperationException();
    }

    @Override
    public IntrospectionResult introspect(String key) {
        throw new UnsupportedOperationException();
    }
}
