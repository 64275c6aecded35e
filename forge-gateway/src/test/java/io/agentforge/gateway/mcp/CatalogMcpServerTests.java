package io.agentforge.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's tools follow the discovery cache: added, replaced in place when they change, removed when gone. */
class CatalogMcpServerTests {

    private final CatalogRegistry registry = new CatalogRegistry();
    private DiscoveryCache discovery;
    private FunctionInvoker invoker;
    private CatalogMcpServer server;
    private CatalogMcpServer scoped;

    @BeforeEach
    void start() throws InterruptedException {
        registry.catalog = catalog(1, function("calc_add", "Adds"), function("calc_sub", "Subtracts"));
        discovery = new DiscoveryCache(registry, Clock.systemUTC()).start();
        assertThat(discovery.awaitCatalog(Duration.ofSeconds(10))).isTrue();
        invoker = new FunctionInvoker(
                discovery,
                InvokerSettings.defaults(),
                (audience, subject) -> "token",
                new OutboundPolicy(true, false, List.of()),
                Clock.systemUTC());
        server = new CatalogMcpServer(discovery, invoker, "test");
    }

    @AfterEach
    void stop() {
        server.close();
        if (scoped != null) {
            scoped.close();
        }
        invoker.close();
        discovery.close();
    }

    @Test
    void theToolsAreTheCatalogsFunctionsWithTheirSchemas() {
        server.sync();

        assertThat(descriptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of("calc_add", "Adds", "calc_sub", "Subtracts"));
        assertThat(server.tools().getFirst().inputSchema())
                .isEqualTo(Map.of("type", "object", "properties", Map.of("a", Map.of("type", "number"))));
    }

    @Test
    void aChangeOfTheCatalogAddsReplacesAndRemovesTools() {
        server.sync();

        change(catalog(2, function("calc_add", "Adds exactly"), function("calc_mul", "Multiplies")));
        server.sync();

        assertThat(descriptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of("calc_add", "Adds exactly", "calc_mul", "Multiplies"));
        assertThat(server.size()).isEqualTo(2);
    }

    @Test
    void anEmptyCatalogLeavesNoTools() {
        server.sync();

        change(catalog(3));
        server.sync();

        assertThat(server.tools()).isEmpty();
    }

    @Test
    void aScopedCallerListsOnlyTheFunctionsOfTheServicesItsKeyNames() throws Exception {
        change(catalog(4, function("calc_add", "Adds"), function("abacus_count", "Counts", "abacus")));
        server.sync();

        JsonNode all = post(CallerScope.ALL, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        JsonNode scoped =
                post(CallerScope.of(List.of("aba*")), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");

        assertThat(all.path("result").path("tools").findValuesAsString("name"))
                .containsExactlyInAnyOrder("calc_add", "abacus_count");
        assertThat(scoped.path("result").path("tools").findValuesAsString("name"))
                .containsExactly("abacus_count");
    }

    @Test
    void aCallOutsideTheScopeGetsTheSameErrorAsACallOfAToolThatDoesNotExist() throws Exception {
        server.sync();
        CallerScope scope = CallerScope.of(List.of("abacus"));

        JsonNode outside = post(
                scope, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"calc_add\"}}");
        JsonNode missing = post(
                CallerScope.ALL,
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"calc_nope\"}}");

        assertThat(outside.path("error").path("code").asInt()).isEqualTo(-32602);
        assertThat(outside.path("error").path("message").asString())
                .isEqualTo(missing.path("error").path("message").asString());
        assertThat(outside.path("error").path("data").asString()).isEqualTo("Tool not found: calc_add");
        assertThat(missing.path("error").path("data").asString()).isEqualTo("Tool not found: calc_nope");
    }

    @Test
    void theDigestOfAScopeChangesOnlyWithTheFunctionsItSees() {
        server.sync();
        CallerScope abacus = CallerScope.of(List.of("abacus"));
        long abacusBefore = server.digest(abacus);
        long allBefore = server.digest(CallerScope.ALL);

        change(catalog(5, function("calc_add", "Adds"), function("calc_sub", "Subtracts"), function("calc_mul", "x")));
        server.sync();

        assertThat(server.digest(abacus)).isEqualTo(abacusBefore);
        assertThat(server.digest(CallerScope.ALL)).isNotEqualTo(allBefore);
    }

    private JsonNode post(CallerScope scope, String body) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/mcp");
        request.setContentType("application/json");
        request.addHeader("Accept", "application/json, text/event-stream");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        request.setAttribute(CallerScope.ATTRIBUTE, scope);
        MockHttpServletResponse response = new MockHttpServletResponse();
        scopedServer().transport().service(request, response);
        return JsonMapper.builder().build().readTree(response.getContentAsString());
    }

    private CatalogMcpServer scopedServer() {
        if (scoped == null) {
            scoped = new CatalogMcpServer(discovery, invoker, "test", CallerScope::of);
        }
        scoped.sync();
        return scoped;
    }

    private void change(Catalog next) {
        registry.catalog = next;
        registry.listener.onReset(next.eventId());
        await().atMost(Duration.ofSeconds(10)).until(() -> discovery.catalog() == next);
    }

    private Map<String, String> descriptions() {
        return server.tools().stream().collect(Collectors.toMap(McpSchema.Tool::name, McpSchema.Tool::description));
    }

    static CatalogFunction function(String name, String description) {
        return function(name, description, "calc");
    }

    static CatalogFunction function(String name, String description, String service) {
        return new CatalogFunction(
                name,
                description,
                Map.of("type", "object", "properties", Map.of("a", Map.of("type", "number"))),
                null,
                service);
    }

    static Catalog catalog(long eventId, CatalogFunction... functions) {
        List<CatalogService> services = Arrays.stream(functions)
                .map(CatalogFunction::service)
                .distinct()
                .map(service -> new CatalogService(
                        service,
                        "1",
                        service,
                        List.of(new CatalogEndpoint(service + "-1", "http://127.0.0.1:9", Map.of()))))
                .toList();
        return new Catalog(
                eventId,
                List.of(functions),
                services,
                Arrays.stream(functions).collect(Collectors.toMap(CatalogFunction::name, CatalogFunction::service)));
    }
}
