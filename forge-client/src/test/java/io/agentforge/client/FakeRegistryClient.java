package io.agentforge.client;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceRegistration;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An in-memory registry a test scripts: it records calls and can be made to fail. */
final class FakeRegistryClient implements RegistryClient {

    final AtomicInteger registrations = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();
    final AtomicInteger introspections = new AtomicInteger();
    /** Also counts the calls that failed. */
    final AtomicInteger introspectionAttempts = new AtomicInteger();

    final List<String> registeredIds = new CopyOnWriteArrayList<>();
    final List<String> deregistered = new CopyOnWriteArrayList<>();
    final List<String> catalogEtags = new CopyOnWriteArrayList<>();
    final List<OptionalLong> subscriptions = new CopyOnWriteArrayList<>();
    final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Map<String, Duration> leases = new ConcurrentHashMap<>();
    private final Clock clock;
    private final AtomicInteger ids = new AtomicInteger();
    volatile RuntimeException failure;
    volatile Catalog catalog = new Catalog(0, List.of(), List.of(), Map.of());
    volatile Function<String, IntrospectionResult> introspection = key -> IntrospectionResult.inactive();
    volatile Feed feed;

    FakeRegistryClient(Clock clock) {
        this.clock = clock;
    }

    /** The ETag the fake gives the current catalog. */
    String etag() {
        return "W/\""
                + Integer.toHexString(
                        catalog.functions().hashCode() * 31 + catalog.services().hashCode()) + "\"";
    }

    /** Makes the registry forget an instance, as a restart or an expired lease would. */
    void forget(String instanceId) {
        known.remove(instanceId);
    }

    @Override
    public Instance register(ServiceRegistration registration) {
        failIfAsked();
        registrations.incrementAndGet();
        ServiceRegistration withId = registration.instanceId() != null
                ? registration
                : registration.withInstanceId(registration.name() + "-" + ids.incrementAndGet());
        known.add(withId.instanceId());
        leases.put(withId.instanceId(), withId.leaseDuration());
        registeredIds.add(withId.instanceId());
        var now = clock.instant();
        return Instance.of(withId, InstanceStatus.UP, now, now, now.plus(withId.leaseDuration()));
    }

    @Override
    public Lease renew(String instanceId) {
        failIfAsked();
        if (!known.contains(instanceId)) {
            throw new UnknownInstanceException(
                    instanceId,
                    new Problem(
                            404,
                            java.net.URI.create("urn:agentforge:problem:not-found"),
                            "Unknown instance",
                            instanceId));
        }
        renewals.incrementAndGet();
        var now = clock.instant();
        Duration lease = leases.getOrDefault(instanceId, ServiceRegistration.DEFAULT_LEASE);
        return new Lease(instanceId, lease, now, now.plus(lease));
    }

    @Override
    public boolean deregister(String instanceId) {
        failIfAsked();
        deregistered.add(instanceId);
        return known.remove(instanceId);
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
    public CatalogResult catalog(String etag) {
        catalogEtags.add(String.valueOf(etag));
        failIfAsked();
        Catalog current = catalog;
        String currentEtag = etag();
        if (currentEtag.equals(etag)) {
            return new CatalogResult.NotModified(currentEtag, current.eventId());
        }
        return new CatalogResult.Modified(current, currentEtag);
    }

    @Override
    public RegistryStatus status() {
        throw new UnsupportedOperationException();
    }

    @Override
    public IntrospectionResult introspect(String key) {
        introspectionAttempts.incrementAndGet();
        failIfAsked();
        introspections.incrementAndGet();
        return introspection.apply(key);
    }

    @Override
    public FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener) {
        failIfAsked();
        subscriptions.add(after);
        Feed opened = new Feed(listener);
        feed = opened;
        return opened;
    }

    private void failIfAsked() {
        RuntimeException e = failure;
        if (e != null) {
            throw e;
        }
    }

    /** An open fake feed: the test pushes what the registry would send. */
    static final class Feed implements FeedSubscription {

        private final ChangeFeedListener listener;
        private volatile boolean open = true;

        Feed(ChangeFeedListener listener) {
            this.listener = listener;
        }

        void event(ChangeEvent event) {
            listener.onEvent(event);
        }

        void keyRevoked(long eventId, String keyId) {
            listener.onEvent(new ChangeEvent(eventId, ChangeType.KEY_REVOKED, java.time.Instant.EPOCH, null, keyId));
        }

        void reset(long lastEventId) {
            listener.onReset(lastEventId);
        }

        void heartbeat() {
            listener.onHeartbeat();
        }

        void breakWith(Throwable error) {
            if (open) {
                open = false;
                listener.onClosed(error);
            }
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public long lastEventId() {
            return -1;
        }

        @Override
        public void close() {
            breakWith(null);
        }
    }
}
