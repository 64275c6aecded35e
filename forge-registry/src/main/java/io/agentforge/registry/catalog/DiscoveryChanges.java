package io.agentforge.registry.catalog;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.events.ChangeFeed;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.web.ApiException;
import java.util.List;
import org.springframework.stereotype.Component;

/** The incremental fetch: what changed after an event id, so a client's steady state costs O(changes), not O(N). */
@Component
class DiscoveryChanges {

    private final ChangeFeed feed;
    private final InstanceStore store;
    private final RegistryView view;
    private final DiscoveryProperties properties;

    DiscoveryChanges(ChangeFeed feed, InstanceStore store, RegistryView view, DiscoveryProperties properties) {
        this.feed = feed;
        this.store = store;
        this.view = view;
        this.properties = properties;
    }

    ServiceChanges after(String since, String name) {
        long after = parse(since);
        long newest = view.version();
        // Ahead of this registry's history (a memory store that restarted) or behind what it still retains.
        if (after > newest || after + 1 < feed.oldestAvailableId()) {
            return new ServiceChanges(newest, true, false, List.of());
        }
        int limit = Math.max(1, properties.maxChanges());
        List<ChangeEvent> events = feed.after(after, limit);
        if (events.isEmpty() && newest > after) {
            // The feed polls the store; what it has not picked up yet is read from the store itself.
            events = store.eventsAfter(after, limit);
        }
        long next = events.isEmpty() ? after : events.getLast().id();
        List<ChangeEvent> matching = name == null
                ? events
                : events.stream()
                        .filter(e -> e.instance() != null && e.instance().name().equals(name))
                        .toList();
        return new ServiceChanges(next, false, events.size() >= limit, matching);
    }

    private static long parse(String since) {
        try {
            long value = Long.parseLong(since.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("since must be a non-negative event id (the X-Forge-Event-Id of an earlier"
                + " answer), got '" + (since.length() > 40 ? since.substring(0, 37) + "..." : since) + "'");
    }
}
