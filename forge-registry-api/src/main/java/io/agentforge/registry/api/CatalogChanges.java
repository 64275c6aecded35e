package io.agentforge.registry.api;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Answer of the incremental catalog fetch {@code GET /api/v1/catalog/changes?since=<eventId>}: the catalog entries of
 * the tools that changed after that event, so that a client following the change feed pays for what changed, not for
 * the whole catalog.
 *
 * @param eventId the catalog event id the changes bring a client to; send it as {@code since} next time
 * @param reset   the changes after {@code since} can't be given ({@code since} is older than the registry's history
 *                of changes, or ahead of it: another registry's history): fetch the full catalog instead
 * @param tools   every tool with a change after {@code since}, each as the full catalog shows it as of {@code eventId}
 */
public record CatalogChanges(long eventId, boolean reset, List<ChangedTool> tools) {

    public CatalogChanges {
        tools = List.copyOf(tools);
    }

    /**
     * One tool's catalog entry.
     *
     * @param service   the tool with its {@code UP} endpoints; null when it has left the catalog (no {@code UP}
     *                  instance)
     * @param functions its functions; empty when it has left the catalog
     */
    public record ChangedTool(String name, @Nullable CatalogService service, List<CatalogFunction> functions) {

        public ChangedTool {
            functions = List.copyOf(functions);
        }
    }

    /**
     * The catalog {@code base} with these changes applied: each changed tool's entry replaces its old one (or removes
     * it), in the registry's order (functions and services by name). {@code base} must be the catalog as of the event
     * id these changes were asked {@code since}.
     *
     * @throws IllegalStateException for a reset, which carries no changes to apply
     */
    public Catalog applyTo(Catalog base) {
        if (reset) {
            throw new IllegalStateException("A reset carries no changes: fetch the full catalog");
        }
        if (tools.isEmpty()) {
            return new Catalog(eventId, base.functions(), base.services(), base.index());
        }
        Set<String> changed = new HashSet<>();
        tools.forEach(tool -> changed.add(tool.name()));
        List<CatalogFunction> functions = new ArrayList<>();
        List<CatalogService> services = new ArrayList<>();
        Map<String, String> index = new HashMap<>();
        base.functions().stream().filter(f -> !changed.contains(f.service())).forEach(functions::add);
        base.services().stream().filter(s -> !changed.contains(s.name())).forEach(services::add);
        base.index().forEach((function, service) -> {
            if (!changed.contains(service)) {
                index.put(function, service);
            }
        });
        for (ChangedTool tool : tools) {
            if (tool.service() == null) {
                continue;
            }
            services.add(tool.service());
            for (CatalogFunction function : tool.functions()) {
                functions.add(function);
                index.put(function.name(), tool.name());
            }
        }
        functions.sort(Comparator.comparing(CatalogFunction::name));
        services.sort(Comparator.comparing(CatalogService::name));
        return new Catalog(eventId, functions, services, index);
    }
}
