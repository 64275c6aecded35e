package io.agentforge.registry;

import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceProtocol;
import io.agentforge.registry.health.HealthProber;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.TestRegistryConfiguration;
import io.agentforge.testsupport.MutableClock;
import io.agentforge.testsupport.SdkMcpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.JsonNode;

/**
 * An existing MCP server (the SDK's, on loopback) registered by URL: its tools/list becomes catalog functions, a
 * refresh follows its tool list, its probes open and delete one session each, and it goes DOWN when it stops.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "agentforge.registry.security.admin-key=" + TestRegistryConfiguration.ADMIN_KEY,
            "agentforge.registry.lease.sweep-interval=1h",
            "agentforge.registry.lease.self-preservation.enabled=false",
            "agentforge.registry.health.tick=1h",
            "agentforge.registry.allow-loopback-endpoints=true",
            "agentforge.registry.mcp.timeout=2s",
            "agentforge.registry.mcp.refresh-interval=1m"
        })
@Import(TestRegistryConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class McpServerRegistrationHttpTests {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    HealthProber prober;

    Http http;
    String serviceKey;
    SdkMcpServer server;

    @BeforeAll
    void start() {
        http = new Http("http://127.0.0.1:" + port);
        Http.Response key = http.post(
                "/api/v1/keys",
                ADMIN_KEY,
                Map.of("name", "weather-owner", "roles", List.of("service"), "services", List.of("weather*")));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        serviceKey = key.as(ApiKeyCreated.class).key();
        server = new SdkMcpServer();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    Http.Response register(Map<String, Object> body) {
        return http.post("/api/v1/instances", serviceKey, body);
    }

    static void assertProblem(Http.Response response, int status, String type, String... details) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:agentforge:problem:" + type);
        assertThat(problem.get("detail").asString()).contains(details);
    }

    void probe() throws Exception {
        prober.probeDue().get(20, TimeUnit.SECONDS);
    }

    @Test
    @Order(1)
    void aRegisteredMcpServersToolsBecomeCatalogFunctionsUnderSanitizedNames() {
        Http.Response response = register(Map.of(
                "instanceId", "weather-1",
                "name", "weather",
                "kind", "TOOL",
                "protocol", "mcp",
                "endpoint", server.url(),
                "leaseDuration", "5m"));

        assertThat(response.status()).as(response.body()).isEqualTo(201);
        Instance instance = response.as(Instance.class);
        assertThat(instance.protocol()).isEqualTo(ServiceProtocol.MCP);
        assertThat(response.json().get("protocol").asString()).isEqualTo("mcp");
        assertThat(instance.healthCheck()).as("probes keep its lease").isNotNull();
        FunctionDescriptor function = instance.functions().getFirst();
        assertThat(function.name()).isEqualTo("weather_get_weather");
        assertThat(function.mcpName()).isEqualTo("getWeather");
        assertThat(function.description()).isEqualTo("The weather in a city");
        assertThat(function.inputSchema()).containsEntry("required", List.of("city"));

        Catalog catalog = http.get("/api/v1/catalog", serviceKey).as(Catalog.class);
        assertThat(catalog.functions())
                .filteredOn(f -> f.service().equals("weather"))
                .singleElement()
                .satisfies(f -> assertThat(f.mcpName()).isEqualTo("getWeather"));
        assertThat(catalog.services())
                .filteredOn(s -> s.name().equals("weather"))
                .singleElement()
                .satisfies(s -> assertThat(s.instances().getFirst().protocol()).isEqualTo(ServiceProtocol.MCP));
        assertThat(server.sessionsDeleted())
                .as("the import's session was deleted")
                .isEqualTo(server.sessionsOpened())
                .isPositive();
    }

    @Test
    @Order(2)
    void probesKeepTheLeaseAndRefreshesFollowTheServersToolList() throws Exception {
        Instance before = http.get("/api/v1/instances/weather-1", serviceKey).as(Instance.class);
        clock.advance(Duration.ofSeconds(10));
        probe();
        Instance pinged = http.get("/api/v1/instances/weather-1", serviceKey).as(Instance.class);
        assertThat(pinged.expiresAt()).as("a probe renews the lease").isAfter(before.expiresAt());
        assertThat(pinged.functions()).hasSize(1);

        server.addTool("forecast.week", "Seven days ahead");
        clock.advance(Duration.ofMinutes(1));
        probe();

        Instance refreshed = http.get("/api/v1/instances/weather-1", serviceKey).as(Instance.class);
        assertThat(refreshed.functions())
                .extracting(FunctionDescriptor::name, FunctionDescriptor::mcpName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("weather_get_weather", "getWeather"),
                        org.assertj.core.groups.Tuple.tuple("weather_forecast_week", "forecast.week"));
        assertThat(refreshed.status()).isEqualTo(InstanceStatus.UP);
        assertThat(http.get("/api/v1/catalog", serviceKey).as(Catalog.class).index())
                .containsEntry("weather_forecast_week", "weather");
        assertThat(server.sessionsDeleted())
                .as("every probe deleted its session")
                .isEqualTo(server.sessionsOpened());
    }

    @Test
    @Order(10)
    void anMcpServerThatStopsGoesDown() throws Exception {
        server.close();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(10));
            probe();
        }

        assertThat(http.get("/api/v1/instances/weather-1", serviceKey)
                        .as(Instance.class)
                        .status())
                .isEqualTo(InstanceStatus.DOWN);
        assertThat(http.get("/api/v1/catalog", serviceKey).as(Catalog.class).index())
                .doesNotContainKey("weather_get_weather");
    }

    @Test
    @Order(4)
    void anUnreachableMcpServerIsAClearProblem() {
        assertProblem(
                register(Map.of(
                        "name",
                        "weather-gone",
                        "kind",
                        "TOOL",
                        "protocol",
                        "mcp",
                        "endpoint",
                        "http://127.0.0.1:1/mcp")),
                422,
                "mcp-server-unusable",
                "connection refused",
                "http://127.0.0.1:1/mcp");
    }

    @Test
    @Order(5)
    void anEndpointThatIsNoMcpServerIsAClearProblem() {
        String notMcp = server.url().replace("/mcp", "/elsewhere");

        assertProblem(
                register(Map.of("name", "weather-404", "kind", "TOOL", "protocol", "mcp", "endpoint", notMcp)),
                422,
                "mcp-server-unusable",
                "initialize answered HTTP 404");
    }

    @Test
    @Order(6)
    void theRegistryItselfIsNeverAnMcpServer() {
        assertProblem(
                register(Map.of(
                        "name",
                        "weather-self",
                        "kind",
                        "TOOL",
                        "protocol",
                        "mcp",
                        "endpoint",
                        "http://127.0.0.1:" + port + "/mcp")),
                422,
                "endpoint-refused",
                "this registry itself");
    }

    @Test
    @Order(7)
    void anUnknownProtocolIsABadRequestNamingIt() {
        assertProblem(
                register(Map.of("name", "weather-x", "kind", "TOOL", "protocol", "grpc", "endpoint", server.url())),
                400,
                "validation",
                "protocol",
                "grpc");
    }

    @Test
    @Order(8)
    void anAgentCannotBeAnMcpServer() {
        assertProblem(
                http.post(
                        "/api/v1/instances",
                        ADMIN_KEY,
                        Map.of("name", "weather-agent", "kind", "AGENT", "protocol", "mcp", "endpoint", server.url())),
                400,
                "validation",
                "only a TOOL");
    }

    @Test
    @Order(9)
    void functionsOfAnMcpServerAreImportedNotDeclared() {
        assertProblem(
                register(Map.of(
                        "name",
                        "weather-decl",
                        "kind",
                        "TOOL",
                        "protocol",
                        "mcp",
                        "endpoint",
                        server.url(),
                        "functions",
                        List.of(Map.of("name", "weather_decl_x", "description", "x")))),
                400,
                "validation",
                "imported");
    }
}
