package io.agentforge.e2e;

import static io.agentforge.registry.api.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.Backoff;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.TokenExchanger;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.testsupport.ToolStub;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * MCP clients (the MCP Java SDK's own) against real processes: a registry, the calculator, and two replicas of the
 * MCP gateway with no session affinity between them. Through the gateway they see the live catalog, including a
 * tool registered while they are connected, and call tools on behalf of their own key; directly, the calculator's
 * {@code /mcp} serves its functions with a token for it.
 */
@ExtendWith(DumpThreadsOnFailure.class)
class McpInteropTests {

    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.1);
    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static RegistryServer registry;
    private static ServiceProcess calculator;
    private static ServiceProcess gatewayA;
    private static ServiceProcess gatewayB;
    private static ApiKeyCreated user;
    private static TokenExchanger userTokens;

    @BeforeAll
    static void startStack() throws Exception {
        registry = RegistryServer.start();
        user = registry.createKey("mcp-user", Role.CLIENT);
        calculator = ServiceProcess.start(
                "calculator",
                "mcp-calculator",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        registry.createServiceKey("calculator", List.of("calculator"), ServiceKind.TOOL)
                                .key()));
        String gatewayKey = registry.createServiceKey("gateway", List.of("gateway"), ServiceKind.TOOL)
                .key();
        Map<String, String> gatewayEnvironment =
                Map.of("AGENTFORGE_REGISTRY_URL", registry.url(), "AGENTFORGE_API_KEY", gatewayKey);
        gatewayA = ServiceProcess.start("gateway", "mcp-gateway-a", gatewayEnvironment);
        gatewayB = ServiceProcess.start("gateway", "mcp-gateway-b", gatewayEnvironment);
        calculator.awaitReady(START);
        gatewayA.awaitReady(START);
        gatewayB.awaitReady(START);
        userTokens = new TokenExchanger(ForgeClientSettings.of(registry.url(), user.key()), Clock.systemUTC());
    }

    @AfterAll
    static void stopStack() throws Exception {
        userTokens.close();
        gatewayA.close();
        gatewayB.close();
        calculator.close();
        registry.close();
    }

    private static McpSyncClient connect(String url, String credential) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(url)
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + credential))
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(WAIT)
                .initializationTimeout(WAIT)
                .build();
        client.initialize();
        return client;
    }

    private static List<String> names(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    private static String text(CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    @Test
    void theCalculatorServesItsFunctionsOverMcpToACallerWithATokenForIt() {
        McpSyncClient client = connect(calculator.url(), userTokens.token("calculator", null));
        try {
            assertThat(client.getServerInfo().name()).isEqualTo("calculator");
            assertThat(names(client)).contains("calculator_add", "calculator_evaluate");

            CallToolResult result = client.callTool(
                    new McpSchema.CallToolRequest("calculator_evaluate", Map.of("expression", "(0.1 + 0.2) * 3")));

            assertThat(result.isError()).isFalse();
            assertThat(JSON.readTree(text(result)).path("result").asString()).isEqualTo("0.9");
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void theGatewayListsAndCallsTheCatalogAndSeesAToolRegisteredMidSession() throws Exception {
        McpSyncClient client = connect(gatewayA.url(), user.key());
        JwtDecoder echoTokens = RegistryTokens.verifier(registry, "echo");
        ToolStub echo = ToolStub.calling((name, body, authorization) -> {
            Jwt token = echoTokens.decode(authorization.replaceFirst("^Bearer ", ""));
            Map<?, ?> act = token.getClaimAsMap("act");
            return ToolStub.Answer.json("{\"subject\":\"" + token.getSubject() + "\",\"actor\":\""
                    + (act == null ? "" : act.get("sub")) + "\",\"arguments\":" + body + "}");
        });
        HttpRegistryClient echoRegistry =
                registry.client(registry.createServiceKey("echo", List.of("echo"), ServiceKind.TOOL)
                        .key());
        LeaseKeeper echoLease = null;
        try {
            await().atMost(WAIT).until(() -> names(client).contains("calculator_add"));
            assertThat(names(client)).doesNotContain("echo_say");
            CallToolResult sum =
                    client.callTool(new McpSchema.CallToolRequest("calculator_add", Map.of("a", "0.1", "b", "0.2")));
            assertThat(JSON.readTree(text(sum)).path("result").asString()).isEqualTo("0.3");

            echoLease = new LeaseKeeper(
                            echoRegistry,
                            tool("echo", "echo-1", echo.endpoint(), "echo_say"),
                            FAST,
                            Clock.systemUTC(),
                            new SplittableRandom())
                    .start();

            // Same client, same connection: the next list is the new catalog.
            await().atMost(WAIT).until(() -> names(client).contains("echo_say"));
            CallToolResult said = client.callTool(new McpSchema.CallToolRequest("echo_say", Map.of("text", "hi")));

            JsonNode answer = JSON.readTree(text(said));
            assertThat(answer.path("subject").asString()).isEqualTo("key:" + user.keyId());
            assertThat(answer.path("actor").asString()).startsWith("key:").isNotEqualTo("key:" + user.keyId());
            assertThat(answer.path("arguments").path("text").asString()).isEqualTo("hi");
        } finally {
            if (echoLease != null) {
                echoLease.close();
            }
            echo.close();
            client.closeGracefully();
        }
        await().atMost(WAIT).until(() -> {
            McpSyncClient again = connect(gatewayB.url(), user.key());
            try {
                return !names(again).contains("echo_say");
            } finally {
                again.closeGracefully();
            }
        });
    }

    @Test
    void anyReplicaAnswersAnyMessageWithoutASession() throws Exception {
        McpSyncClient onA = connect(gatewayA.url(), user.key());
        try {
            await().atMost(WAIT).until(() -> names(onA).contains("calculator_multiply"));
        } finally {
            onA.closeGracefully();
        }
        // No initialize, no session id: replica B answers a call on its own.
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(gatewayB.url() + "/mcp"))
                            .header("Authorization", "Bearer " + user.key())
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json, text/event-stream")
                            .header("MCP-Protocol-Version", "2025-11-25")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                                            + "\"calculator_multiply\",\"arguments\":{\"a\":6,\"b\":7}}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Mcp-Session-Id")).isEmpty();
            JsonNode result = JSON.readTree(response.body()).path("result");
            assertThat(result.path("isError").asBoolean()).isFalse();
            assertThat(JSON.readTree(result.path("content").path(0).path("text").asString())
                            .path("result")
                            .asString())
                    .isEqualTo("42");
        });
    }

    @Test
    void theGatewayRefusesCallersWithoutAValidCredential() throws Exception {
        for (String authorization : new String[] {null, "Bearer af_nobody01_not-a-real-secret-0123456789"}) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gatewayA.url() + "/mcp"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
        }
    }

    @Test
    void badJsonRpcAtTheGatewayIsAJsonRpcError() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(gatewayB.url() + "/mcp"))
                        .header("Authorization", "Bearer " + user.key())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"nope\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("error").path("code").asInt())
                .isEqualTo(-32601);
    }
}
