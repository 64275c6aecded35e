package io.agentforge.registry.catalog;

import io.agentforge.registry.api.InstanceStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Discovery answers as bytes: the JSON of the full fetch and of each service (and its gzip, on first demand), built
 * once per change and then served to every caller, as the catalog is. One caller rebuilds while the others keep
 * getting the previous body when only the lease times have aged; after a change everybody waits for the new one, so a
 * registration is visible to the next read.
 */
@Component
public class DiscoveryBodies {

    private static final int MAX_SLOTS = 4096;
    private static final int REFRESH_BYTES = 8 << 20;

    private final RegistryView view;
    private final JsonMapper mapper;
    private final Clock clock;
    private final DiscoveryProperties properties;
    private final ConcurrentHashMap<Key, Slot> slots = new ConcurrentHashMap<>();

    public DiscoveryBodies(RegistryView view, JsonMapper mapper, Clock clock, DiscoveryProperties properties) {
        this.view = view;
        this.mapper = mapper;
        this.clock = clock;
        this.properties = properties;
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
        Instant now = clock.instant();
        long cards = view.agentCards().generation();
        if (body != null && body.version() == view.version() && body.cardGeneration() == cards) {
            if (!body.agedAt(now, properties)) {
                return body;
            }
            if (!slot.lock.tryLock()) {
                return body; // another caller is refreshing the lease times
            }
        } else {
            slot.lock.lock();
        }
        try {
            body = slot.body;
            RegistryView.Snapshot snapshot = view.current();
            // Read before the services, so a card recorded meanwhile makes the next call rebuild rather than be missed.
            cards = view.agentCards().generation();
            if (body == null
                    || body.version() != snapshot.version()
                    || body.cardGeneration() != cards
                    || body.agedAt(now, properties)) {
                byte[] json = mapper.writeValueAsBytes(view.services(snapshot, name, null, null, status));
                body = new Body(snapshot.version(), cards, now, json, new RegistryView.Gzipped(json));
                slot.body = body;
            }
            return body;
        } finally {
            slot.lock.unlock();
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
        volatile @Nullable Body body;
    }
}
