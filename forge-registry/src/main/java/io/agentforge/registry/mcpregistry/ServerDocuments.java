package io.agentforge.registry.mcpregistry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceProtocol;
import io.agentforge.registry.catalog.RegistryView;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * The live catalog as MCP Registry {@code server.json} documents: one server per tool with an UP instance, named
 * {@code io.agentforge.<host>/<service>}, whose remotes are the Streamable HTTP MCP endpoints ({@code <endpoint>/mcp})
 * of its UP instances. Built once per change of the registry, like the catalog.
 *
 * <p>The registry has no publication history: a tool's only version is the one its newest UP instance registered,
 * always the latest, and a tool whose last instance goes away is no longer listed (rather than listed as deleted).
 * {@code publishedAt} is the registration of its oldest UP instance; {@code updatedAt} is the newest registration, or
 * later when this replica saw the document change (functions, version, instances going UP or DOWN).
 */
@Component
class ServerDocuments {

    /** The server.json schema the documents follow. */
    static final String SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

    static final String OFFICIAL_META = "io.modelcontextprotocol.registry/official";
    static final String FORGE_META = "io.agentforge.registry/live";
    /** Used when a tool registered no version: server.json requires one. */
    static final String NO_VERSION = "0.0.0";

    private static final int MAX_DESCRIPTION = 100;

    private final RegistryView view;
    private final McpRegistryProperties properties;
    private final Clock clock;
    private final Map<String, Tracked> tracked = new HashMap<>();
    private volatile @Nullable Built built;

    ServerDocuments(RegistryView view, McpRegistryProperties properties, Clock clock) {
        this.view = view;
        this.properties = properties;
        this.clock = clock;
    }

    /** Every server of the live catalog, sorted by name. */
    List<ServerResponse> current() {
        RegistryView.Snapshot snapshot = view.current();
        Built current = built;
        if (current != null && current.version() == snapshot.version()) {
            return current.servers();
        }
        synchronized (this) {
            current = built;
            if (current == null || current.version() != snapshot.version()) {
                current = new Built(snapshot.version(), build(snapshot));
                built = current;
            }
            return current.servers();
        }
    }

    String serverName(String service) {
        return properties.namespace() + "/" + service;
    }

    private List<ServerResponse> build(RegistryView.Snapshot snapshot) {
        Instant now = clock.instant();
        List<ServerResponse> servers = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        Map<String, List<String>> functions = new HashMap<>();
        snapshot.catalog()
                .functions()
                .forEach(f -> functions
                        .computeIfAbsent(f.service(), k -> new ArrayList<>())
                        .add(f.name()));
        for (CatalogService service : snapshot.catalog().services()) {
            List<Instance> up = snapshot.services().getOrDefault(service.name(), List.of()).stream()
                    .filter(i -> i.status() == InstanceStatus.UP)
                    .toList();
            if (up.isEmpty()) {
                continue;
            }
            ServerJson server = new ServerJson(
                    SCHEMA,
                    serverName(service.name()),
                    description(service),
                    service.version() == null || service.version().isBlank() ? NO_VERSION : service.version(),
                    service.instances().stream()
                            .map(e -> new Remote("streamable-http", mcpUrl(e)))
                            .distinct()
                            .toList());
            Instant publishedAt = up.stream()
                    .map(Instance::registeredAt)
                    .min(Comparator.naturalOrder())
                    .orElseThrow();
            Instant newestRegistration = up.stream()
                    .map(Instance::registeredAt)
                    .max(Comparator.naturalOrder())
                    .orElseThrow();
            Tracked previous = tracked.get(service.name());
            Instant updatedAt;
            if (previous == null) {
                updatedAt = newestRegistration;
            } else if (previous.server().equals(server)) {
                updatedAt = max(previous.updatedAt(), newestRegistration);
            } else {
                updatedAt = max(now, newestRegistration);
            }
            tracked.put(service.name(), new Tracked(server, updatedAt));
            seen.add(service.name());
            Map<String, Object> official = new LinkedHashMap<>();
            official.put("status", "active");
            official.put("publishedAt", DateTimeFormatter.ISO_INSTANT.format(publishedAt));
            official.put("updatedAt", DateTimeFormatter.ISO_INSTANT.format(updatedAt));
            official.put("isLatest", true);
            Map<String, Object> live = new LinkedHashMap<>();
            live.put("service", service.name());
            live.put("upInstances", up.size());
            live.put("functions", List.copyOf(functions.getOrDefault(service.name(), List.of())));
            servers.add(new ServerResponse(server, Map.of(OFFICIAL_META, official, FORGE_META, live), updatedAt));
        }
        tracked.keySet().retainAll(seen);
        servers.sort(Comparator.comparing(s -> s.server().name()));
        return List.copyOf(servers);
    }

    /** An imported MCP server's endpoint is its MCP URL already; a forge tool serves MCP at {@code /mcp}. */
    static String mcpUrl(Catalog.CatalogEndpoint endpoint) {
        if (endpoint.protocol() == ServiceProtocol.MCP) {
            return endpoint.endpoint();
        }
        String base = endpoint.endpoint();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base + "/mcp";
    }

    // server.json allows 1..100 characters.
    private static String description(CatalogService service) {
        String text = service.description() == null || service.description().isBlank()
                ? "Agent Forge tool " + service.name()
                : service.description().strip().replaceAll("\\s+", " ");
        return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION - 3) + "...";
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private record Built(long version, List<ServerResponse> servers) {}

    private record Tracked(ServerJson server, Instant updatedAt) {}

    /** A {@code server.json} document (the fields of server.schema.json the registry fills in). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ServerJson(
            @JsonProperty("$schema") String schema,
            String name,
            String description,
            String version,
            List<Remote> remotes) {}

    /** A remote transport of a server. */
    record Remote(String type, String url) {}

    /** One entry of a server list: the document and the registry's metadata about it. */
    record ServerResponse(
            ServerJson server,
            @JsonProperty("_meta") Map<String, Object> meta,
            @com.fasterxml.jackson.annotation.JsonIgnore Instant updatedAt) {}

    /** A page of servers. */
    record ServerList(List<ServerResponse> servers, Metadata metadata) {}

    /** Paging of a {@link ServerList}: {@code nextCursor} is absent on the last page. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Metadata(@Nullable String nextCursor, int count) {}
}
