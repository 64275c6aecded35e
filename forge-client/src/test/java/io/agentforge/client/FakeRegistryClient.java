package io.agentforge.client;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.CatalogChanges;
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

/**
 * The one fake {@link RegistryClient}: an in-memory registry a test scripts; it records calls and can be made to
 * fail. Other modules' tests get it from forge-client's test jar ({@code <type>test-jar</type>}); it cannot live in
 * forge-test-support, which every module's tests use, forge-client's own included.
 */
public final class FakeRegistryClient implements RegistryClient {

    public final AtomicInteger registrations = new AtomicInteger();
    public final AtomicInteger renewals = new AtomicInteger();
    public final AtomicInteger introspections = new AtomicInteger();
    /** Also counts the calls that failed. */
    public final AtomicInteger introspectionAttempts = new AtomicInteger();

    public final List<String> registeredIds = new CopyOnWriteArrayList<>();
    /** What was registered, with the instance id the fake assigned when there was none. */
    public final List<ServiceRegistration> registered = new CopyOnWriteArrayList<>();

    public final List<String> deregistered = new CopyOnWriteArrayList<>();
    public final List<String> catalogEtags = new CopyOnWriteArrayList<>();
    public final List<OptionalLong> subscriptions = new CopyOnWriteArrayList<>();
    public final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Map<String, Duration> leases = new ConcurrentHashMap<>();
    private final Clock clock;
    private final AtomicInteger ids = new AtomicInteger();
    public volatile RuntimeException failure;
    public volatile Catalog catalog = new Catalog(0, List.of(), List.of(), Map.of());
    /** Answers {@link #catalogChanges(long)}; null: the fake can't, like a registry from before that API. */
    public volatile Function<Long, CatalogChanges> changes;
    /** The {@code since} of every catalog-changes request. */
    public final List<Long> changesAsked = new CopyOnWriteArrayList<>();

    public volatile Function<String, IntrospectionResult> introspection = key -> IntrospectionResult.inactive();
    public volatile Feed feed;

    public FakeRegistryClient(Clock clock) {
        this.clock = clock;
    }

    /** The ETag the fake gives the current catalog. */
    public String etag() {
        return "W/\""
                + Integer.toHexString(
                        catalog.functions().hashCode() * 31 + catalog.services().hashCode()) + "\"";
    }

    /** Makes the registry forget an instance, as a restart or an expired lease would. */
    public void forget(String instanceId) {
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
        registered.add(withId);
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
    public CatalogChanges catalogChanges(long since) {
        Function<Long, CatalogChanges> answer = changes;
        if (answer == null) {
            return RegistryClient.super.catalogChanges(since);
        }
        changesAsked.add(since);
        failIfAsked();
        return answer.apply(since);
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
    public static final class Feed implements FeedSubscription {

        private final ChangeFeedListener listener;
        private volatile boolean open = true;

        Feed(ChangeFeedListener listener) {
            this.listener = listener;
        }

        public void event(ChangeEvent event) {
            listener.onEvent(event);
        }

        public void keyRevoked(long eventId, String keyId) {
            listener.onEvent(new ChangeEvent(eventId, ChangeType.KEY_REVOKED, java.time.Instant.EPOCH, null, keyId));
        }

        public void reset(long lastEventId) {
            listener.onReset(lastEventId);
        }

        public void heartbeat() {
            listener.onHeartbeat();
        }

        public void breakWith(Throwable error) {
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
