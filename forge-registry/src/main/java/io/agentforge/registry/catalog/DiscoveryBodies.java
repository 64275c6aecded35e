package io.agentforge.registry.catalog;

import io.agentforge.registry.api.InstanceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Discovery answers as bytes: the JSON of the full fetch and of each service (and its gzip, on first demand), built
 * once per change and then served to every caller, as the catalog is. When only the lease times have aged (one
 * refresh period), the caller that notices gets the previous body too and the new one is built on the refresh thread:
 * no reader of a busy answer waits for the store's lease read and the serialization (with the PostgreSQL store, a
 * database round trip on about one request in a hundred at 10,000 one-service reads a second was the p99). An answer
 * two periods old, which nobody read meanwhile, is rebuilt by its reader. After a change everybody waits for the new
 * body, so a registration is visible to the next read.
 */
@Component
public class DiscoveryBodies implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DiscoveryBodies.class);
    private static final int MAX_SLOTS = 4096;
    private static final int REFRESH_BYTES = 8 << 20;

    private final RegistryView view;
    private final JsonMapper mapper;
    private final Clock clock;
    private final DiscoveryProperties properties;
    private final Executor refresher;
    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();
    // Logs a failing background refresh once, not once per answer and period.
    private final AtomicBoolean refreshFailing = new AtomicBoolean();

    @Autowired
    public DiscoveryBodies(RegistryView view, JsonMapper mapper, Clock clock, DiscoveryProperties properties) {
        this(
                view,
                mapper,
                clock,
                properties,
                Executors.newSingleThreadExecutor(
                        Thread.ofPlatform().daemon().name("discovery-refresh").factory()));
    }

    /** @param refresher where aged bodies are rebuilt; one refresh per body is queued or running at a time */
    DiscoveryBodies(
            RegistryView view, JsonMapper mapper, Clock clock, DiscoveryProperties properties, Executor refresher) {
        this.view = view;
        this.mapper = mapper;
        this.clock = clock;
        this.properties = properties;
        this.refresher = refresher;
    }

    /** The services named (all when null) with their instances in {@code status} (any when null). */
    public Body services(@Nullable String name, @Nullable InstanceStatus status) {
        Key key = new Key(name, status);
        Slot slot = slots.get(key);
        if (slot == null) {
            if (slots.size() >= MAX_SLOTS) {
                slots.clear(); // names asked for that no longer exist; the live ones come back on demand
            }
            slot = slots.computeIfAbsent(key, k -> new Slot());
        }
        Body body = slot.body;
        if (body != null
                && body.version() == view.version()
                && body.cardGeneration() == view.agentCards().generation()) {
            Instant now = clock.instant();
            if (!body.agedAt(now, properties)) {
                return body;
            }
            // An answer read often is rebuilt in the background; one nobody read for two refresh periods is too old
            // to hand out, so its reader waits for the rebuild, as after a change.
            if (!body.staleAt(now, properties)) {
                refreshLater(key, slot);
                return body;
            }
        }
        return rebuild(key, slot);
    }

    // Only lease times aged: the current body stays the answer until the refresh thread has built the next one.
    private void refreshLater(Key key, Slot slot) {
        if (!slot.refreshing.compareAndSet(false, true)) {
            return; // queued or under way
        }
        try {
            refresher.execute(() -> {
                try {
                    rebuild(key, slot);
                    refreshFailing.set(false);
                } catch (RuntimeException e) {
                    // Readers keep the aged body until it is stale, then rebuild it themselves (and see the error).
                    if (refreshFailing.compareAndSet(false, true)) {
                        log.warn("Discovery answer {} not refreshed: {}", key, e.toString());
                    }
                } finally {
                    slot.refreshing.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            slot.refreshing.set(false); // shutting down
        }
    }

    private Body rebuild(Key key, Slot slot) {
        slot.lock.lock();
        try {
            Body body = slot.body;
            Instant now = clock.instant();
            RegistryView.Snapshot snapshot = view.current();
            // Read before the services, so a card recorded meanwhile makes the next call rebuild rather than be missed.
            long cards = view.agentCards().generation();
            boolean changed = body == null || body.version() != snapshot.version() || body.cardGeneration() != cards;
            if (changed || body.agedAt(now, properties)) {
                byte[] json = mapper.writeValueAsBytes(view.services(snapshot, key.name(), null, null, key.status()));
                body = new Body(snapshot.version(), cards, now, json, new RegistryView.Gzipped(json));
                slot.body = body;
            }
            return body;
        } finally {
            slot.lock.unlock();
        }
    }

    @Override
    public void close() {
        if (refresher instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }

    /**
     * One cached answer.
     *
     * @param version        the change-feed event it is as of (also its ETag)
     * @param cardGeneration the {@link AgentCards#generation()} its agent cards are as of (in the ETag when not 0)
     * @param builtAt        when its lease times were read
     */
    public record Body(long version, long cardGeneration, Instant builtAt, byte[] json, RegistryView.Gzipped gzip) {

        public String etag() {
            // Cards arrive without a change-feed event: a new card must still change the ETag.
            return cardGeneration == 0 ? "W/\"" + version + "\"" : "W/\"" + version + "." + cardGeneration + "\"";
        }

        boolean agedAt(Instant now, DiscoveryProperties properties) {
            return !now.isBefore(builtAt.plus(refreshAfter(properties)));
        }

        /** Too old to answer with while a rebuild runs: two refresh periods. */
        boolean staleAt(Instant now, DiscoveryProperties properties) {
            return !now.isBefore(builtAt.plus(refreshAfter(properties).multipliedBy(2)));
        }

        /**
         * How long its lease times may age: {@code lease-refresh} per started 8 MiB of JSON. A refresh serializes and
         * compresses the whole answer again (about 1 s of CPU for the 70 MB of 100,000 instances), so a large answer
         * is refreshed less often and its refreshes stay a small share of a core; membership and status changes still
         * show at once.
         */
        Duration refreshAfter(DiscoveryProperties properties) {
            return properties.leaseRefresh().multipliedBy(1 + json.length / REFRESH_BYTES);
        }
    }

    private record Key(@Nullable String name, @Nullable InstanceStatus status) {}

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final AtomicBoolean refreshing = new AtomicBoolean();
        volatile @Nullable Body body;
    }
}
