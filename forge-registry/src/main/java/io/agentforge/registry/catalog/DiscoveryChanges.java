package io.agentforge.registry.catalog;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.CatalogChanges;
import io.agentforge.registry.api.CatalogChanges.ChangedTool;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.events.ChangeFeed;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    /**
     * The catalog entries of the tools that changed after {@code since}, as of the current snapshot: a subscriber
     * applies them to the catalog it holds instead of reading the whole catalog again on every change. Answered from
     * memory, so it works while the database is away, as the catalog itself does.
     */
    CatalogChanges catalogAfter(String since) {
        long after = parse(since);
        RegistryView.Snapshot snapshot = view.current();
        return snapshot.toolsChangedSince(after)
                .map(tools -> new CatalogChanges(snapshot.version(), false, entries(snapshot.catalog(), tools)))
                // Older than the snapshot's history, ahead of it (another registry's history): read it all.
                .orElseGet(() -> new CatalogChanges(snapshot.version(), true, List.of()));
    }

    private static List<ChangedTool> entries(Catalog catalog, Set<String> tools) {
        if (tools.isEmpty()) {
            return List.of();
        }
        Map<String, RegistryView.ToolEntry> entries = RegistryView.toolEntries(catalog);
        return tools.stream()
                .map(name -> {
                    RegistryView.ToolEntry entry = entries.get(name);
                    // Not in the catalog (any more): the tool has no UP instance.
                    return entry == null
                            ? new ChangedTool(name, null, List.of())
                            : new ChangedTool(name, entry.service(), entry.functions());
                })
                .toList();
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
