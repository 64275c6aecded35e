package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.registry.api.ServiceProtocol;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Functions of registered MCP servers are called with tools/call, by their MCP name, load-balanced like any tool. */
class FunctionInvokerMcpTests {

    private static final String FUNCTION = "weather_get_weather";
    private static final OutboundPolicy LOOPBACK = new OutboundPolicy(true, false, List.of());
    private static final InvokerSettings SETTINGS =
            new InvokerSettings(Duration.ofSeconds(1), Duration.ofSeconds(5), 3, 4, 2, 50, Duration.ofMinutes(1));

    private final MutableClock clock = new MutableClock();
    private final FakeRegistryClient registry = new FakeRegistryClient(clock);
    private final DiscoveryCache discovery = new DiscoveryCache(
            registry, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0), Duration.ofMinutes(1), clock);
    private final List<McpServerStub> servers = new ArrayList<>();
    private FunctionInvoker invoker;

    private McpServerStub server(
            java.util.function.BiFunction<String, JsonNode, tools.jackson.databind.node.ObjectNode> tools) {
        McpServerStub server = new McpServerStub(tools);
        servers.add(server);
        return server;
    }

    private void weather(String... endpoints) throws InterruptedException {
        List<CatalogEndpoint> instances = new ArrayList<>();
        for (int i = 0; i < endpoints.length; i++) {
            instances.add(new CatalogEndpoint("weather-" + (i + 1), endpoints[i], Map.of(), ServiceProtocol.MCP));
        }
        registry.catalog = new Catalog(
                1,
                List.of(new CatalogFunction(
                        FUNCTION, "The weather", Map.of("type", "object"), null, "weather", "getWeather")),
                List.of(new CatalogService("weather", "1.0.0", "Weather", instances)),
                Map.of(FUNCTION, "weather"));
        discovery.start();
        assertThat(discovery.awaitCatalog(Duration.ofSeconds(10))).isTrue();
        // No token source may be asked: an MCP server from outside gets none.
        invoker = new FunctionInvoker(
                discovery,
                SETTINGS,
                (audience, subject) -> {
                    throw new AssertionError("no token for an MCP server");
                },
                LOOPBACK,
                clock);
    }

    private JsonNode call() {
        return invoker.invoke(FUNCTION, Map.of("city", "Paris"), "af_user00001_" + "u".repeat(32));
    }

    @AfterEach
    void close() {
        if (invoker != null) {
            invoker.close();
        }
        discovery.close();
        servers.forEach(McpServerStub::close);
    }

    @Test
    void callsTheToolByItsMcpNameWithoutAnyCredentialAndEndsTheSession() throws Exception {
        McpServerStub server = server((tool, arguments) ->
                McpServerStub.text("Sunny in " + arguments.path("city").asString() + " (" + tool + ")", false));
        weather(server.url());

        JsonNode result = call();

        assertThat(result.asString()).isEqualTo("Sunny in Paris (getWeather)");
        assertThat(server.authorizations()).allMatch(String::isEmpty);
        assertThat(server.toolCalls().getFirst().path("arguments").path("city").asString())
                .isEqualTo("Paris");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.deletes() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(server.deletes()).as("the session was deleted").isEqualTo(1);
    }

    @Test
    void structuredContentIsTheResultAndEventStreamAnswersAreRead() throws Exception {
        JsonNode value = JsonMapper.builder().build().readTree("{\"temperature\":21}");
        McpServerStub server =
                server((tool, arguments) -> McpServerStub.structured(value)).sse();
        weather(server.url());

        assertThat(call()).isEqualTo(value);
    }

    @Test
    void anIsErrorResultIsTheToolsFailureAndIsNotRetried() throws Exception {
        McpServerStub first = server((tool, arguments) -> McpServerStub.text("No weather for Atlantis", true));
        McpServerStub second = server((tool, arguments) -> McpServerStub.text("never", false));
        weather(first.url(), second.url());

        assertThatThrownBy(this::call).isInstanceOfSatisfying(ToolInvocationException.class, e -> {
            assertThat(e.problem().type()).isEqualTo(McpToolCall.TOOL_ERROR);
            assertThat(e.problem().detail()).isEqualTo("No weather for Atlantis");
        });
        assertThat(first.toolCallCount() + second.toolCallCount()).isEqualTo(1);
    }

    @Test
    void invalidParamsAreTheCallersProblemAndNotRetried() throws Exception {
        McpServerStub first = server((tool, arguments) -> McpServerStub.error(-32602, "Unknown tool: getWeather"));
        McpServerStub second = server((tool, arguments) -> McpServerStub.error(-32602, "Unknown tool: getWeather"));
        weather(first.url(), second.url());

        assertThatThrownBy(this::call).isInstanceOfSatisfying(ToolInvocationException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.problem().detail()).contains("-32602", "Unknown tool");
        });
        assertThat(first.toolCallCount() + second.toolCallCount()).isEqualTo(1);
    }

    @Test
    void serverErrorsAndUnreachableServersFailOverToTheNextInstance() throws Exception {
        McpServerStub internal = server((tool, arguments) -> McpServerStub.error(-32603, "boom"));
        McpServerStub unavailable =
                server((tool, arguments) -> McpServerStub.text("never", false)).status(503);
        McpServerStub healthy = server((tool, arguments) -> McpServerStub.text("ok", false));
        weather(internal.url(), unavailable.url(), healthy.url());

        for (int i = 0; i < 3; i++) {
            assertThat(call().asString()).isEqualTo("ok");
        }
        assertThat(healthy.toolCallCount()).isEqualTo(3);
    }

    @Test
    void whenEveryInstanceFailsTheCallIsUnavailableSayingWhy() throws Exception {
        weather("http://127.0.0.1:1/mcp");

        assertThatThrownBy(this::call)
                .isInstanceOf(ToolUnavailableException.class)
                .hasMessageContaining("weather-1: connection refused");
    }
}
