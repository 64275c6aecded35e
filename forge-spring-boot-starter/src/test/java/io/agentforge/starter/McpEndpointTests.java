package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.testsupport.MutableClock;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The functions over MCP at {@code /mcp}, driven by the MCP Java SDK's own client (and by raw HTTP for what no SDK
 * client would send) against a tool app on a real port, with tokens signed by a JWKS served over real HTTP.
 */
class McpEndpointTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final MutableClock clock = MutableClock.startingNow();
    private static TestRegistryStub registry;
    private static ConfigurableApplicationContext tool;
    private static McpSyncClient client;

    @ToolTestApplication
    static class Tool {

        @Bean
        SampleTools sampleTools() {
            return new SampleTools();
        }

        @Bean
        Clock clock() {
            return clock;
        }
    }

    @BeforeAll
    static void start() {
        registry = new TestRegistryStub(clock);
        tool = new SpringApplicationBuilder(Tool.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        "--spring.application.name=sample",
                        "--agentforge.enabled=false",
                        "--agentforge.registry-url=" + registry.url(),
                        "--agentforge.api-key=" + TokenVerificationTests.SERVICE_KEY);
        client = client(token());
        client.initialize();
    }

    @AfterAll
    static void stop() {
        client.closeGracefully();
        tool.close();
        registry.close();
    }

    private static String token() {
        return registry.token("sample", "key:alice001", List.of("client"), "key:agent0001");
    }

    private static String base() {
        return "http://127.0.0.1:" + tool.getEnvironment().getProperty("local.server.port");
    }

    private static McpSyncClient client(String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base())
                .endpoint("/mcp")
                .requestBuilder(request)
                .build();
        return McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(20))
                .build();
    }

    private static CallToolResult call(String name, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(name, arguments));
    }

    private static String text(CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    @Nested
    class WithTheSdkClient {

        @Test
        void initializeNamesTheServiceAndNegotiatesTheNewestVersion() {
            McpSchema.InitializeResult result = client.getCurrentInitializationResult();

            assertThat(result.serverInfo().name()).isEqualTo("sample");
            assertThat(result.protocolVersion()).isEqualTo("2025-11-25");
            assertThat(result.capabilities().tools()).isNotNull();
        }

        @Test
        void toolsListHasEveryFunctionWithTheSameSchemas() {
            List<McpSchema.Tool> tools = client.listTools().tools();
            List<FunctionDescriptor> functions =
                    tool.getBean(PublishedFunctions.class).descriptors();

            assertThat(tools)
                    .extracting(McpSchema.Tool::name)
                    .containsExactlyInAnyOrderElementsOf(
                            functions.stream().map(FunctionDescriptor::name).toList());
            for (FunctionDescriptor function : functions) {
                McpSchema.Tool mcp = tools.stream()
                        .filter(t -> t.name().equals(function.name()))
                        .findFirst()
                        .orElseThrow();
                assertThat(mcp.description()).isEqualTo(function.description());
                assertThat((JsonNode) JSON.valueToTree(mcp.inputSchema()))
                        .isEqualTo(JSON.valueToTree(function.inputSchema()));
            }
        }

        @Test
        void aCallAnswersTheResultAsTextAndAsStructuredContentKeepingEveryDigit() {
            CallToolResult result = call("sample_add", Map.of("a", "0.1", "b", 0.2));

            assertThat(result.isError()).isFalse();
            assertThat(JSON.readTree(text(result)).path("sum").decimalValue()).isEqualByComparingTo("0.3");
            assertThat(result.structuredContent()).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) result.structuredContent()).get("sum").toString())
                    .isEqualTo("0.3");
        }

        @Test
        void theToolSeesTheVerifiedCaller() {
            CallToolResult result = call("sample_caller", Map.of());

            assertThat(text(result)).isEqualTo("\"key:alice001 via key:agent0001\"");
        }

        @Test
        void invalidArgumentsAreAToolErrorNamingTheField() {
            CallToolResult result = call("sample_add", Map.of("a", "one"));

            assertThat(result.isError()).isTrue();
            assertThat(text(result)).startsWith("Invalid arguments").contains("b");
        }

        @Test
        void aRefusalOfTheToolIsAToolError() {
            CallToolResult result = call("sample_refuse", Map.of("input", "x"));

            assertThat(result.isError()).isTrue();
            assertThat(text(result)).isEqualTo("Refused: No way: x");
        }

        @Test
        void aBugOfTheToolIsAToolErrorThatLeaksNothing() {
            CallToolResult result = call("sample_broken", Map.of("input", "x"));

            assertThat(result.isError()).isTrue();
            assertThat(text(result)).doesNotContain("NullPointer");
        }

        @Test
        void anUnknownToolIsAnInvalidParamsError() {
            assertThatThrownBy(() -> call("sample_missing", Map.of()))
                    .isInstanceOf(McpError.class)
                    .satisfies(e -> assertThat(((McpError) e).getJsonRpcError().code())
                            .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
        }

        @Test
        void withoutACredentialTheClientCannotConnect() {
            McpSyncClient anonymous = client(null);
            try {
                assertThatThrownBy(anonymous::initialize).isInstanceOf(RuntimeException.class);
            } finally {
                anonymous.close();
            }
        }
    }

    @Nested
    class OverRawHttp {

        private HttpResponse<String> post(String body, String token, String version)
                throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + "/mcp"))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (version != null) {
                request.header("MCP-Protocol-Version", version);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        private HttpResponse<String> post(String body) throws IOException, InterruptedException {
            return post(body, token(), null);
        }

        private static int code(HttpResponse<String> response) {
            return JSON.readTree(response.body()).path("error").path("code").asInt();
        }

        @Test
        void noCredentialIs401WithAChallenge() throws Exception {
            HttpResponse<String> response =
                    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", null, null);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }

        @Test
        void aTokenForAnotherServiceIs401() throws Exception {
            String other = registry.token("weather", "key:alice001", List.of("client"));
            HttpResponse<String> response =
                    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", other, null);

            assertThat(response.statusCode()).isEqualTo(401);
        }

        @Test
        void aPlainJsonAcceptIsServedToo() throws Exception {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base() + "/mcp"))
                            .header("Content-Type", "application/json")
                            .header("Authorization", "Bearer " + token())
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":"
                                            + "{\"name\":\"sample_greet\",\"arguments\":{\"name\":\"Ada\"}}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode result = JSON.readTree(response.body());
            assertThat(result.path("id").asInt()).isEqualTo(7);
            assertThat(result.path("result")
                            .path("content")
                            .path(0)
                            .path("text")
                            .asString())
                    .isEqualTo("\"Hello Ada!\"");
        }

        @Test
        void malformedJsonIsAParseError() throws Exception {
            HttpResponse<String> response = post("{\"jsonrpc\":");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(code(response)).isEqualTo(-32700);
            assertThat(JSON.readTree(response.body()).path("id").isNull()).isTrue();
        }

        @Test
        void aBatchIsAnInvalidRequest() throws Exception {
            HttpResponse<String> response = post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(code(response)).isEqualTo(-32600);
        }

        @Test
        void aWrongJsonRpcVersionIsAnInvalidRequest() throws Exception {
            HttpResponse<String> response = post("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(code(response)).isEqualTo(-32600);
        }

        @Test
        void anUnknownMethodIsMethodNotFoundNotA500() throws Exception {
            HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"server/discover\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(code(response)).isEqualTo(-32601);
            assertThat(JSON.readTree(response.body()).path("id").asString()).isEqualTo("a");
        }

        @Test
        void aToolCallWithoutANameOrWithArrayArgumentsIsInvalidParams() throws Exception {
            assertThat(code(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}")))
                    .isEqualTo(-32602);
            assertThat(code(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                            + "{\"name\":\"sample_add\",\"arguments\":[1,2]}}")))
                    .isEqualTo(-32602);
        }

        @Test
        void anUnsupportedProtocolVersionIs400ListingTheSupportedOnes() throws Exception {
            HttpResponse<String> response =
                    post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}", token(), "2026-07-28");

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(code(response)).isEqualTo(-32022);
            assertThat(JSON.readTree(response.body())
                            .path("error")
                            .path("data")
                            .path("supported")
                            .toString())
                    .contains("2025-11-25", "2025-06-18", "2025-03-26");
        }

        @Test
        void aNotificationIsAccepted() throws Exception {
            HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

            assertThat(response.statusCode()).isEqualTo(202);
        }

        @Test
        void getIsNotAllowedOnAStatelessServer() throws Exception {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base() + "/mcp"))
                            .header("Authorization", "Bearer " + token())
                            .header("Accept", "text/event-stream")
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(405);
        }

        @Test
        void anOversizedMessageIs413WithAJsonRpcError() throws Exception {
            String big = "x".repeat(80 * 1024);
            HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                    + "{\"name\":\"sample_greet\",\"arguments\":{\"name\":\"" + big + "\"}}}");

            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(code(response)).isEqualTo(-32600);
        }
    }
}
