package io.agentforge.e2e;

import static io.agentforge.registry.api.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import io.modelcontextprotocol.spec.McpError;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
 * MCP gateway behind a round-robin balancer with no session affinity. Through the gateway they see the live catalog
 * their key may see, are told when it changes ({@code notifications/tools/list_changed}) and list it anew, and call
 * tools on behalf of their own key; directly, the calculator's {@code /mcp} serves its functions with a token for it.
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
    private static RoundRobinProxy balancer;
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
        balancer = RoundRobinProxy.over(gatewayA.url(), gatewayB.url());
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        userTokens.close();
        gatewayA.close();
        gatewayB.close();
        calculator.close();
        registry.close();
    }

    private static McpSyncClient connect(String url, String credential) {
        return connect(url, credential, tools -> {});
    }

    /** @param toolsChanged gets the new list each time the server says the list changed (the SDK lists again) */
    private static McpSyncClient connect(String url, String credential, Consumer<List<McpSchema.Tool>> toolsChanged) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(url)
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + credential))
                .build();
        McpSyncClient client = McpClient.sync(transport)
                .requestTimeout(WAIT)
                .initializationTimeout(WAIT)
                .toolsChangeConsumer(toolsChanged)
                .build();
        client.initialize();
        return client;
    }

    private static List<String> names(McpSyncClient client) {
        return names(client.listTools().tools());
    }

    private static List<String> names(List<McpSchema.Tool> tools) {
        return tools.stream().map(McpSchema.Tool::name).toList();
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
    void aClientBehindABalancerIsToldOfAToolRegisteredMidSessionAndListsAndCallsIt() throws Exception {
        List<List<String>> announced = new CopyOnWriteArrayList<>();
        McpSyncClient client = connect(balancer.url(), user.key(), tools -> announced.add(names(tools)));
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
            assertThat(client.getServerCapabilities().tools().listChanged()).isTrue();
            await().atMost(WAIT).until(() -> names(client).contains("calculator_add"));
            assertThat(names(client)).doesNotContain("echo_say");
            CallToolResult sum =
                    client.callTool(new McpSchema.CallToolRequest("calculator_add", Map.of("a", "0.1", "b", "0.2")));
            assertThat(JSON.readTree(text(sum)).path("result").asString()).isEqualTo("0.3");
            // The notification stream is open on one of the replicas (it answers GET with text/event-stream).
            await().atMost(WAIT)
                    .until(() -> balancer.forwarded().stream()
                            .anyMatch(f -> f.method().equals("GET")));
            announced.clear();

            echoLease = new LeaseKeeper(
                            echoRegistry,
                            tool("echo", "echo-1", echo.endpoint(), "echo_say"),
                            FAST,
                            Clock.systemUTC(),
                            new SplittableRandom())
                    .start();

            // No polling: the server tells the client, which lists again by itself.
            await().atMost(WAIT).until(() -> announced.stream().anyMatch(list -> list.contains("echo_say")));
            assertThat(names(client)).contains("echo_say", "calculator_add");
            CallToolResult said = client.callTool(new McpSchema.CallToolRequest("echo_say", Map.of("text", "hi")));

            JsonNode answer = JSON.readTree(text(said));
            assertThat(answer.path("subject").asString()).isEqualTo("key:" + user.keyId());
            assertThat(answer.path("actor").asString()).startsWith("key:").isNotEqualTo("key:" + user.keyId());
            assertThat(answer.path("arguments").path("text").asString()).isEqualTo("hi");
            // Round robin: both replicas served this one client, which never saw an error for it.
            assertThat(balancer.forwarded().stream().map(RoundRobinProxy.Forwarded::backend))
                    .contains(0, 1);
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
    void aScopedKeySeesAndCallsOnlyTheToolsOfItsServicesWithTheKeyAndWithATokenForTheGateway() throws Exception {
        ToolStub abacus = ToolStub.answering(200, "{\"count\":3}");
        LeaseKeeper abacusLease = new LeaseKeeper(
                        registry.client(registry.createServiceKey("abacus", List.of("abacus"), ServiceKind.TOOL)
                                .key()),
                        tool("abacus", "abacus-1", abacus.endpoint(), "abacus_count"),
                        FAST,
                        Clock.systemUTC(),
                        new SplittableRandom())
                .start();
        ApiKeyCreated calcOnly = registry.createServiceKey("calc-caller", List.of("calc*"), ServiceKind.TOOL);
        McpSyncClient everything = connect(balancer.url(), user.key());
        McpSyncClient withKey = connect(balancer.url(), calcOnly.key());
        String gatewayToken;
        try (TokenExchanger exchanger =
                new TokenExchanger(ForgeClientSettings.of(registry.url(), calcOnly.key()), Clock.systemUTC())) {
            gatewayToken = exchanger.token("gateway", null);
        }
        McpSyncClient withToken = connect(balancer.url(), gatewayToken);
        try {
            await().atMost(WAIT).until(() -> names(everything).containsAll(List.of("abacus_count", "calculator_add")));

            for (McpSyncClient scoped : List.of(withKey, withToken)) {
                List<String> seen = names(scoped);
                assertThat(seen).contains("calculator_add", "calculator_evaluate");
                assertThat(seen).allMatch(name -> name.startsWith("calculator_"));

                assertThatThrownBy(() -> scoped.callTool(new McpSchema.CallToolRequest("abacus_count", Map.of())))
                        .isInstanceOfSatisfying(McpError.class, error -> {
                            assertThat(error.getJsonRpcError().code()).isEqualTo(-32602);
                            assertThat(error.getJsonRpcError().data()).isEqualTo("Tool not found: abacus_count");
                        });
                CallToolResult product =
                        scoped.callTool(new McpSchema.CallToolRequest("calculator_multiply", Map.of("a", 6, "b", 7)));
                assertThat(JSON.readTree(text(product)).path("result").asString())
                        .isEqualTo("42");
            }
            // The same error as for a tool nobody has: a scoped caller learns nothing of the others.
            assertThatThrownBy(() -> withKey.callTool(new McpSchema.CallToolRequest("abacus_nothing", Map.of())))
                    .isInstanceOfSatisfying(
                            McpError.class,
                            error -> assertThat(error.getJsonRpcError().message())
                                    .isEqualTo("Unknown tool: invalid_tool_name"));
            CallToolResult counted = everything.callTool(new McpSchema.CallToolRequest("abacus_count", Map.of()));
            assertThat(JSON.readTree(text(counted)).path("count").asInt()).isEqualTo(3);
        } finally {
            withToken.closeGracefully();
            withKey.closeGracefully();
            everything.closeGracefully();
            abacusLease.close();
            abacus.close();
        }
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
