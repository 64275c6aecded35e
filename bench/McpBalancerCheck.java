import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import tools.jackson.databind.json.JsonMapper;

/**
 * Why the gateway does not use the MCP Java SDK's sessionful Streamable HTTP transport: two replicas of it (the
 * SDK's HttpServletStreamableServerTransportProvider on Tomcat, one tool each) behind a round-robin proxy without
 * session affinity, called by the SDK's own client. Counts the tools/call that succeed, once through the proxy to one
 * replica and once over both. Run by bench/mcp-balancer-check.sh (the classpath is the gateway's own libraries).
 */
public class McpBalancerCheck {

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String a = replica(1);
        String b = replica(2);
        for (List<String> backends : List.of(List.of(a), List.of(a, b))) {
            try (Proxy proxy = new Proxy(backends)) {
                McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(proxy.url())
                                .build())
                        .requestTimeout(Duration.ofSeconds(10))
                        .build();
                int ok = 0;
                try {
                    client.initialize();
                } catch (RuntimeException e) {
                    System.out.println("initialize failed: " + e);
                }
                for (int i = 0; i < calls; i++) {
                    try {
                        client.callTool(new McpSchema.CallToolRequest("t", Map.of()));
                        ok++;
                    } catch (RuntimeException e) {
                        // Counted below.
                    }
                }
                System.out.printf(
                        "sessionful SDK transport, round robin over %d replica(s): %d tools/call, %d ok, %d failed"
                                + " (%d HTTP requests forwarded)%n",
                        backends.size(), calls, ok, calls - ok, proxy.forwarded.get());
                client.closeGracefully();
            }
        }
        System.exit(0);
    }

    private static String replica(int n) throws Exception {
        JacksonMcpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.shared());
        HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(mapper)
                .mcpEndpoint("/mcp")
                .build();
        McpServer.sync(provider)
                .jsonMapper(mapper)
                .serverInfo("replica-" + n, "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(McpServerFeatures.SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder()
                                .name("t")
                                .description("answers ok")
                                .inputSchema(Map.of("type", "object"))
                                .build())
                        .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                                .addTextContent("ok")
                                .build())
                        .build())
                .build();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("mcp-replica").toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "mcp", provider).setAsyncSupported(true);
        context.addServletMappingDecoded("/mcp", "mcp");
        tomcat.getConnector();
        tomcat.start();
        return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    /** Each request to the next backend in turn, whatever its headers say; responses streamed back. */
    static final class Proxy implements AutoCloseable {

        private static final Set<String> HOP_BY_HOP = Set.of(
                "host", "connection", "content-length", "transfer-encoding", "expect", "upgrade", "keep-alive", "te");

        final AtomicInteger forwarded = new AtomicInteger();
        private final List<String> backends;
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();

        Proxy(List<String> backends) throws IOException {
            this.backends = backends;
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", this::forward);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void forward(HttpExchange exchange) throws IOException {
            String backend = backends.get(Math.floorMod(forwarded.getAndIncrement(), backends.size()));
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend + exchange.getRequestURI()))
                        .method(
                                exchange.getRequestMethod(),
                                body.length == 0
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofByteArray(body));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                        values.forEach(value -> request.header(name, value));
                    }
                });
                HttpResponse<InputStream> response =
                        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                response.headers().map().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-2);
                exchange.sendResponseHeaders(response.statusCode(), length == 0 ? -1 : length == -2 ? 0 : length);
                try (InputStream in = response.body()) {
                    OutputStream out = exchange.getResponseBody();
                    byte[] buffer = new byte[8192];
                    for (int read; (read = in.read(buffer)) != -1; ) {
                        out.write(buffer, 0, read);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // A side went away.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
