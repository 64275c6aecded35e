package io.agentforge.gateway.mcp;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.Problem;
import io.agentforge.client.ToolInvocationException;
import io.agentforge.client.ToolUnavailableException;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.starter.McpToolServer;
import io.agentforge.web.BearerCredentials;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The healthy catalog as one stateless MCP server (the MCP Java SDK's stateless Streamable HTTP servlet).
 *
 * <p>{@code tools/list} is the catalog of the {@link DiscoveryCache}, which the registry's change feed keeps current:
 * {@link #sync()} runs before every message and brings the server's tools in line with the cache's latest snapshot
 * (only functions of tools with an UP instance are in it). No state is kept per client, so any replica answers any
 * message; {@link ToolListChangedStreams} tells clients on a GET stream when their list changed (see
 * docs/interop.md).
 *
 * <p>Each message carries its caller's {@link CallerScope}: {@code tools/list} shows only the functions of services in
 * it, and a {@code tools/call} outside it gets exactly the error of a tool that does not exist.
 *
 * <p>{@code tools/call} goes through the {@link FunctionInvoker} (load balancing, failover, circuit breakers) with the
 * caller's own credential as the subject of the token exchange, so the tool sees the caller ({@code sub}) and the
 * gateway as actor ({@code act.sub}); the gateway never calls a tool on its own behalf.
 */
public final class CatalogMcpServer implements AutoCloseable {

    /** Key of the caller's credential in the MCP transport context. */
    static final String CREDENTIAL_KEY = "agentforge.credential";

    /** Key of the caller's {@link CallerScope} in the MCP transport context. */
    static final String SCOPE_KEY = "agentforge.scope";

    private static final Logger log = LoggerFactory.getLogger(CatalogMcpServer.class);

    private final DiscoveryCache discovery;
    private final FunctionInvoker invoker;
    private final HttpServletStatelessServerTransport transport;
    private final McpStatelessSyncServer server;
    private final JsonMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    // Guarded by this.
    private Catalog synced;
    private final Map<String, CatalogFunction> offered = new HashMap<>();

    /** A server that shows every caller the whole catalog. */
    public CatalogMcpServer(DiscoveryCache discovery, FunctionInvoker invoker, String version) {
        this(discovery, invoker, version, request -> CallerScope.ALL);
    }

    /** @param scopes finds the scope of a request's (already verified) caller */
    public CatalogMcpServer(
            DiscoveryCache discovery,
            FunctionInvoker invoker,
            String version,
            Function<HttpServletRequest, CallerScope> scopes) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.invoker = Objects.requireNonNull(invoker, "invoker");
        Objects.requireNonNull(scopes, "scopes");
        this.transport = HttpServletStatelessServerTransport.builder()
                .jsonMapper(McpToolServer.wireMapper())
                .messageEndpoint(McpToolServer.PATH)
                .contextExtractor(request -> context(request, scopes))
                .build();
        this.server = McpServer.sync(new ScopedTransport(transport, this::serviceOf))
                .serverInfo("agent-forge-gateway", version)
                .instructions("Every healthy tool of the Agent Forge registry that your credential may see. The list"
                        + " changes as tools come and go: the gateway sends notifications/tools/list_changed on a GET"
                        + " stream, and listing again always gives the current list.")
                // listChanged: the GET stream of ToolListChangedStreams carries the notification (no session needed).
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .jsonMapper(McpToolServer.wireMapper())
                // Each tool validates its own arguments (and answers precisely); the gateway passes them on.
                .validateToolInputs(false)
                .immediateExecution(true)
                .build();
    }

    /** The servlet to register at {@code /mcp}. */
    public HttpServletStatelessServerTransport transport() {
        return transport;
    }

    public List<String> protocolVersions() {
        return transport.protocolVersions();
    }

    /** Brings the offered tools in line with the discovery cache's latest catalog; cheap when it did not change. */
    public synchronized void sync() {
        Catalog catalog = discovery.catalog();
        if (catalog == synced) {
            return;
        }
        Map<String, CatalogFunction> wanted = new HashMap<>();
        catalog.functions().forEach(function -> wanted.put(function.name(), function));
        for (String name : List.copyOf(offered.keySet())) {
            if (!wanted.containsKey(name)) {
                server.removeTool(name);
                offered.remove(name);
            }
        }
        for (CatalogFunction function : wanted.values()) {
            if (function.equals(offered.get(function.name()))) {
                continue;
            }
            try {
                // Adding a name the server has replaces that tool in place: a changed schema never leaves a gap.
                server.addTool(specification(function));
                offered.put(function.name(), function);
            } catch (RuntimeException e) {
                // One tool with a schema MCP can't carry must not take the others down.
                if (offered.remove(function.name()) != null) {
                    server.removeTool(function.name());
                }
                log.warn(
                        "Function {} of {} is not offered over MCP: {}",
                        function.name(),
                        function.service(),
                        e.getMessage());
            }
        }
        synced = catalog;
    }

    /** The tools offered right now, as {@code tools/list} answers an unscoped caller. */
    List<McpSchema.Tool> tools() {
        return server.listTools();
    }

    /** The service of an offered function; null when no such function is offered. */
    synchronized @Nullable String serviceOf(String function) {
        CatalogFunction offeredFunction = offered.get(function);
        return offeredFunction == null ? null : offeredFunction.service();
    }

    /** The catalog the server was last brought in line with (identity changes with every new snapshot). */
    Catalog catalog() {
        return discovery.catalog();
    }

    /**
     * A digest of the functions a caller of this scope sees right now: it changes when their {@code tools/list}
     * would (a function added, removed, or changed in name, description or schema).
     */
    synchronized long digest(CallerScope scope) {
        long digest = 17;
        for (CatalogFunction function : new TreeMap<>(offered).values()) {
            if (scope.sees(function.service())) {
                digest = digest * 31 + function.hashCode();
            }
        }
        return digest;
    }

    /** How many functions are offered right now. */
    public synchronized int size() {
        return offered.size();
    }

    @Override
    public void close() {
        server.close();
    }

    private static McpTransportContext context(
            HttpServletRequest request, Function<HttpServletRequest, CallerScope> scopes) {
        Map<String, Object> context = new HashMap<>();
        context.put(SCOPE_KEY, scopes.apply(request));
        String credential = BearerCredentials.presented(request);
        if (credential != null) {
            context.put(CREDENTIAL_KEY, credential);
        }
        return McpTransportContext.create(context);
    }

    private McpStatelessServerFeatures.SyncToolSpecification specification(CatalogFunction function) {
        McpSchema.Tool tool = McpToolServer.tool(new FunctionDescriptor(
                function.name(), function.description(), function.inputSchema(), function.outputSchema()));
        return McpStatelessServerFeatures.SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((context, request) -> call(tool, context, request))
                .build();
    }

    private CallToolResult call(McpSchema.Tool tool, McpTransportContext context, McpSchema.CallToolRequest request) {
        if (!(context.get(CREDENTIAL_KEY) instanceof String credential)) {
            // Only with agentforge.security.enabled=false can a call get here without one.
            return McpToolServer.error("A credential is required: the gateway calls tools only on behalf of its caller"
                    + " (send 'Authorization: Bearer <key or token>')");
        }
        JsonNode arguments = mapper.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
        try {
            return McpToolServer.result(invoker.invoke(tool.name(), arguments, credential), tool, mapper);
        } catch (ToolInvocationException e) {
            Problem problem = e.problem();
            return McpToolServer.error(problem.title() + ": " + problem.detail());
        } catch (ToolUnavailableException e) {
            return McpToolServer.error("Unavailable: " + e.getMessage());
        }
    }
}
