package io.agentforge.testsupport;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real MCP server built with the MCP Java SDK: its sessionful Streamable HTTP servlet at {@code /mcp} on an embedded
 * Tomcat bound to loopback. It counts the sessions it opened and those its clients deleted.
 */
public final class SdkMcpServer implements AutoCloseable {

    private final Tomcat tomcat = new Tomcat();
    private final McpSyncServer server;
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();
    private final AtomicInteger toolCalls = new AtomicInteger();
    private int port;

    public SdkMcpServer() {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(JsonMapper.builder().build()))
                .mcpEndpoint("/mcp")
                .build();
        server = McpServer.sync(transport)
                .serverInfo("weather", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(tool(
                        "getWeather",
                        "The weather in a city",
                        Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of("city", Map.of("type", "string")),
                                "required",
                                java.util.List.of("city"))))
                .build();
        try {
            tomcat.setBaseDir(Files.createTempDirectory("sdk-mcp").toString());
            Connector connector = new Connector();
            connector.setPort(0);
            connector.setProperty("address", "127.0.0.1");
            tomcat.setConnector(connector);
            Context context = tomcat.addContext("", null);
            Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
            context.addServletMappingDecoded("/mcp", "mcp");
            FilterDef counting = new FilterDef();
            counting.setFilterName("sessions");
            counting.setFilter(sessionCounter());
            counting.setAsyncSupported("true");
            context.addFilterDef(counting);
            FilterMap map = new FilterMap();
            map.setFilterName("sessions");
            map.addURLPattern("/*");
            context.addFilterMap(map);
            tomcat.start();
            port = connector.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException("The MCP server did not start", e);
        }
    }

    /** The Streamable HTTP URL. */
    public String url() {
        return "http://127.0.0.1:" + port + "/mcp";
    }

    /** Adds a tool; the SDK tells connected clients with notifications/tools/list_changed. */
    public void addTool(String name, String description) {
        server.addTool(tool(name, description, Map.of("type", "object", "properties", Map.of())));
    }

    public int sessionsOpened() {
        return opened.get();
    }

    public int sessionsDeleted() {
        return deleted.get();
    }

    public int toolCalls() {
        return toolCalls.get();
    }

    @Override
    public void close() {
        try {
            server.close();
            tomcat.stop();
            tomcat.destroy();
        } catch (Exception e) {
            // Stopping a test server; nothing to do.
        }
    }

    private SyncToolSpecification tool(String name, String description, Map<String, Object> schema) {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder()
                        .name(name)
                        .description(description)
                        .inputSchema(schema)
                        .build())
                .callHandler((exchange, request) -> {
                    toolCalls.incrementAndGet();
                    Object city = request.arguments() == null
                            ? null
                            : request.arguments().get("city");
                    if ("Atlantis".equals(city)) {
                        return McpSchema.CallToolResult.builder()
                                .addTextContent("No weather for a sunken city")
                                .isError(true)
                                .build();
                    }
                    return McpSchema.CallToolResult.builder()
                            .addTextContent("Sunny, 21 °C in " + city)
                            .build();
                })
                .build();
    }

    private Filter sessionCounter() {
        return (request, response, chain) -> {
            HttpServletRequest http = (HttpServletRequest) request;
            boolean fresh = http.getHeader("Mcp-Session-Id") == null;
            if ("DELETE".equals(http.getMethod())) {
                deleted.incrementAndGet();
            }
            chain.doFilter(request, response);
            if (fresh
                    && "POST".equals(http.getMethod())
                    && ((HttpServletResponse) response).getHeader("Mcp-Session-Id") != null) {
                opened.incrementAndGet();
            }
        };
    }
}
