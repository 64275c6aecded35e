import com.sun.net.httpserver.HttpServer;
import io.agentforge.client.CatalogResult;
import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceProtocol;
import io.agentforge.registry.api.ServiceRegistration;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cost of calling a function of a registered MCP server through forge-client's FunctionInvoker (a session per
 * call: initialize, notifications/initialized, tools/call, DELETE not waited for) against the same answer from a
 * forge tool (one POST /forge/functions/{name}). Both servers in this JVM on loopback: the numbers are the protocol's
 * round trips and the servers' work, not a network. Usage: bench/mcp-import-bench.sh [calls] [warm-up]
 */
public class McpImportBench {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int warm = args.length > 1 ? Integer.parseInt(args[1]) : 500;

        // The MCP server: the SDK's sessionful Streamable HTTP servlet on Tomcat, one tool.
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .mcpEndpoint("/mcp")
                .build();
        var mcp = McpServer.sync(transport)
                .serverInfo("echo", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder()
                                .name("echo")
                                .description("Echo")
                                .inputSchema(Map.of("type", "object", "properties", Map.of()))
                                .build())
                        .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                                .addTextContent("{\"value\":\"3\"}")
                                .build())
                        .build())
                .build();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("bench-mcp").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
        context.addServletMappingDecoded("/mcp", "mcp");
        tomcat.start();

        // The forge tool: the same answer to POST /forge/functions/forge_echo.
        HttpServer forge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        forge.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        forge.createContext("/forge/functions/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"value\":\"3\"}".getBytes();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        forge.start();

        Catalog catalog = new Catalog(
                1,
                List.of(
                        new CatalogFunction("forge_echo", "Echo", Map.of("type", "object"), null, "forge"),
                        new CatalogFunction("mcp_echo", "Echo", Map.of("type", "object"), null, "mcp", "echo")),
                List.of(
                        new CatalogService(
                                "forge",
                                "1",
                                null,
                                List.of(new CatalogEndpoint(
                                        "forge-1",
                                        "http://127.0.0.1:" + forge.getAddress().getPort(),
                                        Map.of()))),
                        new CatalogService(
                                "mcp",
                                "1",
                                null,
                                List.of(new CatalogEndpoint(
                                        "mcp-1",
                                        "http://127.0.0.1:" + connector.getLocalPort() + "/mcp",
                                        Map.of(),
                                        ServiceProtocol.MCP)))),
                Map.of("forge_echo", "forge", "mcp_echo", "mcp"));
        DiscoveryCache discovery = new DiscoveryCache(new StaticRegistry(catalog), Clock.systemUTC()).start();
        discovery.awaitCatalog(Duration.ofSeconds(10));
        FunctionInvoker invoker = new FunctionInvoker(
                discovery,
                InvokerSettings.defaults(),
                (audience, subject) -> "eyJ.bench.token",
                new OutboundPolicy(true, false, List.of()),
                Clock.systemUTC());

        for (String function : List.of("forge_echo", "mcp_echo")) {
            for (int i = 0; i < warm; i++) {
                invoker.invoke(function, Map.of(), null);
            }
            long[] nanos = new long[n];
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                invoker.invoke(function, Map.of(), null);
                nanos[i] = System.nanoTime() - t;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(nanos);
            System.out.printf(
                    "%-10s calls=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms sequential=%.0f calls/s%n",
                    function,
                    n,
                    nanos[n / 2] / 1e6,
                    nanos[n * 9 / 10] / 1e6,
                    nanos[n * 99 / 100] / 1e6,
                    n / seconds);
        }
        invoker.close();
        discovery.close();
        forge.stop(0);
        mcp.close();
        tomcat.stop();
        System.exit(0);
    }

    /** A registry that only hands out one catalog and a feed that never says anything. */
    record StaticRegistry(Catalog catalog) implements RegistryClient {
        public Instance register(ServiceRegistration registration) {
            throw new UnsupportedOperationException();
        }

        public Lease renew(String instanceId) {
            throw new UnsupportedOperationException();
        }

        public boolean deregister(String instanceId) {
            throw new UnsupportedOperationException();
        }

        public Optional<Instance> instance(String instanceId) {
            return Optional.empty();
        }

        public List<RegisteredService> services(ServiceQuery query) {
            return List.of();
        }

        public CatalogResult catalog(String etag) {
            return new CatalogResult.Modified(catalog, "\"1\"");
        }

        public RegistryStatus status() {
            throw new UnsupportedOperationException();
        }

        public IntrospectionResult introspect(String key) {
            throw new UnsupportedOperationException();
        }

        public FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener) {
            return new FeedSubscription() {
                public boolean isOpen() {
                    return true;
                }

                public long lastEventId() {
                    return 1;
                }

                public void close() {}
            };
        }

        public void close() {}
    }
}
