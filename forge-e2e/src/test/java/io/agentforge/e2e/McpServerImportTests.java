package io.agentforge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.testsupport.SdkMcpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An existing MCP server (written with the MCP Java SDK, sessionful Streamable HTTP on an embedded Tomcat) joins the
 * registry with one HTTP call giving its URL; the agent (on a WireMock model speaking the OpenAI wire format, scripted
 * to call the imported function) calls it over MCP and answers, and the MCP gateway lists and calls it too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
class McpServerImportTests {

    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RegistryServer registry;
    private SdkMcpServer weather;
    private WireMockServer llm;
    private ServiceProcess agent;
    private ServiceProcess gateway;
    private ApiKeyCreated user;

    @BeforeAll
    void startStack() throws Exception {
        registry = RegistryServer.start();
        user = registry.createKey("mcp-import-user", Role.CLIENT);
        weather = new SdkMcpServer();
        llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        llm.start();
        // The first turn calls the imported function; the turn carrying its result answers with it.
        model(1, "Sunny, 21", answer("The MCP server says: sunny and 21 degrees in Paris."));
        model(5, "weather in Paris", toolCall("weather_get_weather", "{\"city\":\"Paris\"}"));
        agent = ServiceProcess.start(
                "agent",
                "mcp-import-agent",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        registry.createServiceKey("agent", List.of("agent"), ServiceKind.AGENT)
                                .key(),
                        "OPENAI_API_KEY",
                        "sk-test",
                        "AGENTFORGE_LLM_BASE_URL",
                        llm.baseUrl() + "/v1",
                        "AGENTFORGE_LLM_MODEL",
                        "gpt-test"));
        gateway = ServiceProcess.start(
                "gateway",
                "mcp-import-gateway",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        registry.createServiceKey("gateway", List.of("gateway"), ServiceKind.TOOL)
                                .key()));
        agent.awaitReady(START);
        gateway.awaitReady(START);
    }

    @AfterAll
    void stopStack() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {gateway, agent, weather, registry}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (llm != null) {
            llm.stop();
        }
    }

    @Test
    void anMcpServerRegisteredByUrlIsCalledByTheAgentAndThroughTheGateway() throws Exception {
        // The one call README shows with curl.
        String ownerKey = registry.createServiceKey("weather-owner", List.of("weather"), ServiceKind.TOOL)
                .key();
        HttpResponse<String> registered = HTTP.send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/api/v1/instances"))
                        .header("Authorization", "Bearer " + ownerKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"name": "weather", "kind": "TOOL", "protocol": "mcp",
                                 "endpoint": "%s", "leaseDuration": "10m"}""".formatted(weather.url())))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        JsonNode instance = JSON.readTree(registered.body());
        assertThat(instance.get("protocol").asString()).isEqualTo("mcp");
        assertThat(instance.get("functions").get(0).get("name").asString()).isEqualTo("weather_get_weather");
        assertThat(instance.get("functions").get(0).get("mcpName").asString()).isEqualTo("getWeather");

        // The agent: the model calls the imported function, the agent calls the MCP server's tools/call.
        await("the agent sees the imported function")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> ask("What is the weather in Paris?").get("steps").size() == 1);
        JsonNode answer = ask("What is the weather in Paris?");
        assertThat(answer.get("answer").asString()).contains("sunny and 21 degrees in Paris");
        JsonNode step = answer.get("steps").get(0);
        assertThat(step.get("tool").asString()).isEqualTo("weather_get_weather");
        assertThat(step.get("result").toString()).contains("Sunny, 21 °C in Paris");

        // The gateway: an MCP client sees the imported function in the whole catalog and calls it.
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(gateway.url())
                        .endpoint("/mcp")
                        .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + user.key()))
                        .build())
                .requestTimeout(WAIT)
                .initializationTimeout(WAIT)
                .build();
        try {
            client.initialize();
            await().atMost(WAIT)
                    .until(() -> client.listTools().tools().stream()
                            .anyMatch(t -> t.name().equals("weather_get_weather")));
            McpSchema.CallToolResult result =
                    client.callTool(new McpSchema.CallToolRequest("weather_get_weather", Map.of("city", "Lyon")));
            assertThat(result.isError()).isFalse();
            assertThat(((McpSchema.TextContent) result.content().getFirst()).text())
                    .contains("Sunny, 21 °C in Lyon");
            McpSchema.CallToolResult failed =
                    client.callTool(new McpSchema.CallToolRequest("weather_get_weather", Map.of("city", "Atlantis")));
            assertThat(failed.isError())
                    .as("the server's isError reaches the gateway's caller")
                    .isTrue();
        } finally {
            client.closeGracefully();
        }
        assertThat(weather.toolCalls()).isGreaterThanOrEqualTo(4);
        await("every session the platform opened was deleted")
                .atMost(WAIT)
                .until(() -> weather.sessionsDeleted() == weather.sessionsOpened());
    }

    private JsonNode ask(String question) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1/chat"))
                        .header("Authorization", "Bearer " + user.key())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("message", question))))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void model(int priority, String marker, String json) {
        llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .atPriority(priority)
                .withRequestBody(containing(marker))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(json)));
    }

    private static String toolCall(String name, String arguments) {
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-test",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                 {"id":"call_1","type":"function","function":{"name":"%s","arguments":%s}}]},
                 "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":50,"completion_tokens":10,"total_tokens":60}}""".formatted(name, JSON.writeValueAsString(arguments));
    }

    private static String answer(String text) {
        return """
                {"id":"chatcmpl-2","object":"chat.completion","created":1764000000,"model":"gpt-test",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":70,"completion_tokens":8,"total_tokens":78}}""".formatted(JSON.writeValueAsString(text));
    }
}
