package io.agentforge.client;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.registry.api.CatalogChanges;
import io.agentforge.registry.api.ChangeEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function catalog, kept current by the registry's change feed.
 *
 * <p>It loads the catalog, then follows the feed from the catalog's event id; each change (or burst of changes) fetches
 * the catalog entries of the tools that changed since the catalog it holds ({@code /api/v1/catalog/changes}) and
 * applies them, because the catalog, not the event stream, is the source of truth, and re-reading all of it on every
 * change would cost every subscriber work in proportion to the catalog's size. When the registry can't give the changes
 * (its history doesn't reach back that far, it refused the request, a registry without that API) it reloads the whole
 * catalog with {@code If-None-Match}.
 * When the feed breaks it reconnects with backoff and resyncs; a {@code reset} event forces a full reload. While the registry
 * is unreachable it keeps serving the last catalog and reports its {@link #staleness()}.
 *
 * <p>Lookups are thread-safe and never block or call the registry.
 */
public final class DiscoveryCache implements AutoCloseable {

    /** The registry sends a heartbeat every 15 s: three missed ones mean a dead connection. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(45);

    private static final Logger log = LoggerFactory.getLogger(DiscoveryCache.class);
    private static final Catalog EMPTY = new Catalog(-1, List.of(), List.of(), Map.of());

    private final RegistryClient client;
    private final Backoff backoff;
    private final Duration idleTimeout;
    private final Clock clock;
    private final RandomGenerator random = RandomGenerator.getDefault();
    private final Instant createdAt;
    private final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final CountDownLatch firstCatalog = new CountDownLatch(1);
    private volatile Snapshot snapshot = new Snapshot(EMPTY, null);
    private volatile @Nullable Instant lastRefreshed;
    private volatile @Nullable Instant lastConfirmed;
    private volatile boolean connected;
    private volatile int consecutiveFailures;
    private final AtomicLong instanceChanges = new AtomicLong();
    private volatile boolean running;
    private volatile @Nullable FeedSubscription subscription;
    private @Nullable Thread worker;
    // Only touched on the worker thread.
    private int generation;
    private long knownEventId = -1;
    private boolean changesServed = true;

    public DiscoveryCache(RegistryClient client, Clock clock) {
        this(client, Backoff.DEFAULT, DEFAULT_IDLE_TIMEOUT, clock);
    }

    /**
     * @param backoff     delays between reconnection attempts while the registry fails
     * @param idleTimeout a feed silent for this long (no event, no heartbeat) is taken as broken and reopened
     */
    public DiscoveryCache(RegistryClient client, Backoff backoff, Duration idleTimeout, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.createdAt = clock.instant();
    }

    /** Starts loading and following the catalog in the background; returns at once. Idempotent. */
    public synchronized DiscoveryCache start() {
        if (worker == null) {
            running = true;
            worker = Thread.ofPlatform().daemon().name("forge-discovery").start(this::run);
        }
        return this;
    }

    /** Waits until the first catalog is loaded; false when the timeout passed first. */
    public boolean awaitCatalog(Duration timeout) throws InterruptedException {
        return firstCatalog.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The current catalog; an empty one (event id -1) before the first load. */
    public Catalog catalog() {
        return snapshot.catalog;
    }

    public List<CatalogFunction> functions() {
        return snapshot.catalog.functions();
    }

    public Optional<CatalogFunction> function(String name) {
        return Optional.ofNullable(snapshot.functions.get(name));
    }

    /** The service that serves the function, empty when no tool with an UP instance offers it. */
    public Optional<String> serviceOf(String functionName) {
        return Optional.ofNullable(snapshot.catalog.index().get(functionName));
    }

    /** The UP endpoints of a tool, in the registry's order; empty when it has none. */
    public List<CatalogEndpoint> endpoints(String service) {
        return snapshot.endpoints.getOrDefault(service, List.of());
    }

    /**
     * When the registry last confirmed the catalog (a read of it or of its changes that answered); empty before that.
     */
    public Optional<Instant> lastRefreshed() {
        return Optional.ofNullable(lastRefreshed);
    }

    /**
     * How long since the cache was last known to be current: since the last successful fetch or sign of life of the
     * change feed (heartbeats arrive every 15 s), or since creation when it never was. It grows while the registry
     * is unreachable.
     */
    public Duration staleness() {
        Instant confirmed = lastConfirmed != null ? lastConfirmed : createdAt;
        Duration age = Duration.between(confirmed, clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }

    /**
     * How many instance changes (of any kind of service, agents too, not only tools) and feed resets this cache has
     * heard of: a caller that derives something else from the registry compares it to notice it may be stale.
     */
    public long instanceChanges() {
        return instanceChanges.get();
    }

    /** Whether the change feed is open. */
    public boolean isConnected() {
        return connected;
    }

    /** Failed attempts to (re)load the catalog or open the feed since the last success. */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** Stops following the registry; the last catalog stays readable. Idempotent. */
    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = worker;
        }
        signals.offer(new Stop());
        FeedSubscription current = subscription;
        if (current != null) {
            current.close();
        }
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            boolean wasConnected = false;
            try {
                changesServed = true;
                long current = refresh();
                long after = current >= 0 ? current : knownEventId;
                int gen = ++generation;
                subscription =
                        client.subscribe(after < 0 ? OptionalLong.empty() : OptionalLong.of(after), new Listener(gen));
                if (!running) {
                    break;
                }
                connected = true;
                wasConnected = true;
                if (consecutiveFailures > 0) {
                    log.info("Change feed reconnected after {} failed attempts", consecutiveFailures);
                }
                consecutiveFailures = 0;
                follow(gen);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                int failures = ++consecutiveFailures;
                if (Integer.bitCount(failures) == 1) {
                    log.warn(
                            "Catalog sync failed (attempt {}); serving the catalog as of {}: {}",
                            failures,
                            lastRefreshed,
                            e.getMessage());
                } else {
                    log.debug("Catalog sync failed (attempt {}): {}", failures, e.getMessage());
                }
            } finally {
                connected = false;
                FeedSubscription current = subscription;
                if (current != null) {
                    current.close();
                }
            }
            if (!running) {
                break;
            }
            Duration wait = wasConnected && consecutiveFailures == 0
                    ? backoff.jittered(backoff.initial(), random)
                    : backoff.delay(Math.max(1, consecutiveFailures), random);
            try {
                pause(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connected = false;
    }

    /** Follows the feed until it breaks, goes silent, or the cache closes; fetch failures propagate. */
    private void follow(int gen) throws InterruptedException {
        long check = Math.min(idleTimeout.toMillis() / 3 + 1, 1000);
        while (running) {
            Signal signal = signals.poll(check, TimeUnit.MILLISECONDS);
            if (signal == null) {
                if (Duration.between(lastConfirmed, clock.instant()).compareTo(idleTimeout) > 0) {
                    log.warn("Change feed silent for more than {}; reconnecting", idleTimeout);
                    return;
                }
                continue;
            }
            switch (signal) {
                case Stop stop -> {
                    return;
                }
                case Changed changed
                when changed.gen == gen -> {
                    // One read covers a burst of changes.
                    while (signals.peek() instanceof Changed more && more.gen == gen) {
                        signals.poll();
                    }
                    refresh();
                }
                case Reset reset
                when reset.gen == gen -> {
                    log.info("Change feed reset after event {}; reloading the catalog", reset.lastEventId);
                    fetch(null);
                }
                case Closed closed
                when closed.gen == gen -> {
                    if (closed.error != null) {
                        log.info("Change feed broke; resyncing: {}", closed.error.getMessage());
                    } else {
                        log.debug("Change feed ended; resyncing");
                    }
                    return;
                }
                default -> {
                    // A signal from an earlier subscription.
                }
            }
        }
    }

    private void pause(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (running) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            Signal signal = signals.poll(left, TimeUnit.NANOSECONDS);
            if (signal instanceof Stop) {
                return;
            }
        }
    }

    /**
     * Brings the catalog up to date: applies the changed tools' entries when the registry can say which changed,
     * otherwise reloads it. Returns the event id it is current as of.
     */
    private long refresh() {
        Snapshot current = snapshot;
        long since = current.catalog.eventId();
        if (changesServed && current.catalog != EMPTY && since >= 0) {
            try {
                CatalogChanges changes = client.catalogChanges(since);
                if (!changes.reset()) {
                    // The applied catalog has no ETag of its own: the next full reload is unconditional.
                    install(changes.applyTo(current.catalog), null);
                    confirmed(changes.eventId());
                    return changes.eventId();
                }
                log.debug("Catalog changes after event {} not available; reloading the catalog", since);
            } catch (UnsupportedOperationException e) {
                // Asked again after the next reconnection: it may reach an upgraded replica.
                log.info("Reloading the whole catalog on every change: {}", e.getMessage());
                changesServed = false;
            } catch (RegistryException e) {
                if (e instanceof RegistryUnreachableException) {
                    throw e;
                }
                // The registry refused the changes but may well serve the catalog itself.
                log.debug("Catalog changes refused ({}); reloading the catalog", e.getMessage());
            }
        }
        return fetch(current.etag).eventId();
    }

    private CatalogResult fetch(@Nullable String etag) {
        CatalogResult result = client.catalog(etag);
        if (result instanceof CatalogResult.Modified modified) {
            install(modified.catalog(), modified.etag());
        } else if (result.eventId() > snapshot.catalog.eventId()) {
            // Unchanged, but as of a newer event (agents changed): the next changes are asked from there.
            Catalog held = snapshot.catalog;
            install(new Catalog(result.eventId(), held.functions(), held.services(), held.index()), snapshot.etag);
        }
        confirmed(result.eventId());
        return result;
    }

    private void install(Catalog catalog, @Nullable String etag) {
        Snapshot previous = snapshot;
        snapshot = new Snapshot(catalog, etag);
        if (log.isDebugEnabled()
                && previous.catalog != EMPTY
                && !previous.catalog.functions().equals(catalog.functions())) {
            log.debug("Catalog now has {} functions", catalog.functions().size());
        }
    }

    private void confirmed(long eventId) {
        Instant now = clock.instant();
        knownEventId = Math.max(knownEventId, eventId);
        lastRefreshed = now;
        lastConfirmed = now;
        firstCatalog.countDown();
    }

    private final class Listener implements ChangeFeedListener {

        private final int gen;

        Listener(int gen) {
            this.gen = gen;
        }

        @Override
        public void onEvent(ChangeEvent event) {
            if (!event.type().concernsInstance()) {
                // A revoked key (no instance) leaves the catalog as it is; the event only shows the feed is alive.
                lastConfirmed = clock.instant();
                return;
            }
            instanceChanges.incrementAndGet();
            signals.offer(new Changed(gen, event.id()));
        }

        @Override
        public void onReset(long lastEventId) {
            instanceChanges.incrementAndGet();
            signals.offer(new Reset(gen, lastEventId));
        }

        @Override
        public void onHeartbeat() {
            lastConfirmed = clock.instant();
        }

        @Override
        public void onClosed(@Nullable Throwable error) {
            signals.offer(new Closed(gen, error));
        }
    }

    /** One catalog with its lookup tables, swapped atomically. */
    private static final class Snapshot {

        final Catalog catalog;
        final @Nullable String etag;
        final Map<String, CatalogFunction> functions = new HashMap<>();
        final Map<String, List<CatalogEndpoint>> endpoints = new HashMap<>();

        Snapshot(Catalog catalog, @Nullable String etag) {
            this.catalog = catalog;
            this.etag = etag;
            catalog.functions().forEach(f -> functions.put(f.name(), f));
            for (CatalogService service : catalog.services()) {
                endpoints.put(service.name(), service.instances());
            }
        }
    }

    private sealed interface Signal {}

    private record Changed(int gen, long eventId) implements Signal {}

    private record Reset(int gen, long lastEventId) implements Signal {}

    private record Closed(int gen, @Nullable Throwable error) implements Signal {}

    private record Stop() implements Signal {}
}
