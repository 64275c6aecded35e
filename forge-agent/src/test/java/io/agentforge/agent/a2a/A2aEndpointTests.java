package io.agentforge.agent.a2a;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agentforge.agent.support.OpenAiStubs.answer;
import static io.agentforge.agent.support.OpenAiStubs.streamedAnswer;
import static io.agentforge.agent.support.OpenAiStubs.streamedToolCall;
import static io.agentforge.agent.support.OpenAiStubs.toolCalls;
import static io.agentforge.agent.support.OpenAiStubs.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.agent.support.TestWorld;
import io.agentforge.client.DiscoveryCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The agent's A2A 1.0 JSON-RPC endpoint and card over real HTTP, with a real registry, a registered calculator-like
 * tool and WireMock speaking the OpenAI wire format.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class A2aEndpointTests {

    static final TestWorld WORLD = new TestWorld();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WORLD.openAiAgent(registry);
        registry.add("agentforge.agent.max-steps", () -> "3");
        registry.add("agentforge.agent.max-body-size", () -> "16KB");
    }

    @AfterAll
    static void stopWorld() {
        WORLD.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DiscoveryCache discovery;

    @BeforeEach
    void catalogIsKnown() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> discovery.function("calculator_evaluate").isPresent());
    }

    @Nested
    class Card {

        @Test
        void isPublicAndDescribesTheJsonRpcInterfaceStreamingSkillsAndBearerAuth() {
            Response response = get("/.well-known/agent-card.json");

            assertThat(response.status()).isEqualTo(200);
            JsonNode card = response.json();
            assertThat(card.get("name").asString()).isEqualTo("agent");
            assertThat(card.get("description").asString()).isNotBlank();
            assertThat(card.get("version").asString()).isEqualTo("0.1.0");
            JsonNode binding = card.get("supportedInterfaces").get(0);
            assertThat(binding.get("url").asString()).isEqualTo("http://127.0.0.1:" + port + "/a2a");
            assertThat(binding.get("protocolBinding").asString()).isEqualTo("JSONRPC");
            assertThat(binding.get("protocolVersion").asString()).isEqualTo("1.0");
            assertThat(card.get("capabilities").get("streaming").asBoolean()).isTrue();
            assertThat(card.get("defaultInputModes").toString()).contains("text/plain");
            assertThat(card.get("defaultOutputModes").toString()).contains("text/plain");
            assertThat(card.get("skills").findValuesAsString("id")).contains("answer-with-tools", "tool-calculator");
            assertThat(card.get("securitySchemes")
                            .get("bearer")
                            .get("httpAuthSecurityScheme")
                            .get("scheme")
                            .asString())
                    .isEqualTo("Bearer");
            assertThat(card.get("securityRequirements").get(0).get("schemes").has("bearer"))
                    .isTrue();
        }
    }

    @Nested
    class Methods {

        @Test
        void sendMessageAnswersWithACompletedTaskThroughTheRegisteredTool() {
            when(WORLD.llm, 5, "A2A-SEND", null, toolCalls("calculator_evaluate", "{\"expression\":\"6*7\"}"));
            when(WORLD.llm, 1, "A2A-SEND", "\"tool\"", answer("6*7 is 42."));

            JsonNode result = rpc("SendMessage", send("A2A-SEND what is 6*7?")).result();

            JsonNode task = result.get("task");
            assertThat(task.get("status").get("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
            assertThat(task.get("artifacts")
                            .get(0)
                            .get("parts")
                            .get(0)
                            .get("text")
                            .asString())
                    .isEqualTo("6*7 is 42.");
            assertThat(task.get("history").findValuesAsString("role")).containsExactly("ROLE_USER", "ROLE_AGENT");
            assertThat(task.get("metadata").get("steps").get(0).get("tool").asString())
                    .isEqualTo("calculator_evaluate");
            assertThat(WORLD.toolCalls).contains("6*7");
            assertThat(task.get("contextId").asString()).isNotBlank();

            JsonNode fetched = rpc("GetTask", "{\"id\":\"" + task.get("id").asString() + "\",\"historyLength\":1}")
                    .result();
            assertThat(fetched.get("status").get("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
            assertThat(fetched.get("history")).hasSize(1);
        }

        @Test
        void aFollowUpInTheSameContextContinuesTheConversation() {
            when(WORLD.llm, 1, "A2A-FIRST", null, answer("Noted."));
            String context = rpc("SendMessage", send("A2A-FIRST remember 7"))
                    .result()
                    .get("task")
                    .get("contextId")
                    .asString();
            when(WORLD.llm, 1, "A2A-SECOND", null, answer("You said 7."));

            JsonNode task = rpc("SendMessage", """
                    {"message":{"messageId":"%s","role":"ROLE_USER","contextId":"%s",
                     "parts":[{"text":"A2A-SECOND what did I say?"}]}}""".formatted(UUID.randomUUID(), context))
                    .result()
                    .get("task");

            assertThat(task.get("contextId").asString()).isEqualTo(context);
            assertThat(WORLD.llm
                            .findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                                    .withRequestBody(containing("A2A-SECOND")))
                            .getFirst()
                            .getBodyAsString())
                    .as("the earlier turn is in the model's history")
                    .contains("A2A-FIRST");
        }

        @Test
        void sendStreamingMessageStreamsTheTaskTheToolStepsTheAnswerAndTheFinalStatus() {
            when(WORLD.llm, 5, "A2A-STREAM", null, streamedToolCall("calculator_evaluate", "{\"expression\":\"6*7\"}"));
            when(WORLD.llm, 1, "A2A-STREAM", "\"tool\"", streamedAnswer(List.of("It ", "is ", "42.")));

            Response response = call("1.0", rpcBody("SendStreamingMessage", send("A2A-STREAM go")));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.contentType()).startsWith("text/event-stream");
            List<JsonNode> events = response.dataEvents();
            assertThat(events).allSatisfy(e -> {
                assertThat(e.get("jsonrpc").asString()).isEqualTo("2.0");
                assertThat(e.get("id").asString()).isEqualTo("req-1");
            });
            List<JsonNode> results = events.stream().map(e -> e.get("result")).toList();
            assertThat(results.getFirst().get("task").get("status").get("state").asString())
                    .isEqualTo("TASK_STATE_SUBMITTED");
            assertThat(results.get(1)
                            .get("statusUpdate")
                            .get("status")
                            .get("state")
                            .asString())
                    .isEqualTo("TASK_STATE_WORKING");
            List<JsonNode> steps = results.stream()
                    .filter(r -> r.has("statusUpdate")
                            && r.get("statusUpdate").get("status").has("message"))
                    .map(r -> r.get("statusUpdate")
                            .get("status")
                            .get("message")
                            .get("parts")
                            .get(0)
                            .get("data"))
                    .toList();
            assertThat(steps).extracting(s -> s.get("phase").asString()).containsExactly("started", "finished");
            assertThat(steps.get(1).get("step").get("result").get("result").asString())
                    .isEqualTo("42");
            StringBuilder answer = new StringBuilder();
            results.stream()
                    .filter(r -> r.has("artifactUpdate"))
                    .forEach(r -> answer.append(r.get("artifactUpdate")
                            .get("artifact")
                            .get("parts")
                            .get(0)
                            .get("text")
                            .asString()));
            assertThat(answer).hasToString("It is 42.");
            JsonNode lastArtifact = results.stream()
                    .filter(r -> r.has("artifactUpdate"))
                    .reduce((a, b) -> b)
                    .orElseThrow()
                    .get("artifactUpdate");
            assertThat(lastArtifact.get("lastChunk").asBoolean()).isTrue();
            assertThat(results.getLast()
                            .get("statusUpdate")
                            .get("status")
                            .get("state")
                            .asString())
                    .isEqualTo("TASK_STATE_COMPLETED");
        }

        @Test
        void cancelTaskStopsARunningQuestionAndAnEndedTaskIsNotCancelable() {
            WORLD.llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                    .atPriority(1)
                    .withRequestBody(containing("A2A-SLOW"))
                    .willReturn(aResponse()
                            .withFixedDelay(3000)
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(toolCalls("calculator_evaluate", "{\"expression\":\"1+1\"}"))));
            JsonNode task = rpc("SendMessage", """
                    {"message":{"messageId":"%s","role":"ROLE_USER","parts":[{"text":"A2A-SLOW think"}]},
                     "configuration":{"returnImmediately":true}}""".formatted(UUID.randomUUID()))
                    .result()
                    .get("task");
            String id = task.get("id").asString();
            assertThat(task.get("status").get("state").asString()).isIn("TASK_STATE_SUBMITTED", "TASK_STATE_WORKING");

            JsonNode canceled = rpc("CancelTask", "{\"id\":\"" + id + "\"}").result();

            assertThat(canceled.get("status").get("state").asString()).isEqualTo("TASK_STATE_CANCELED");
            assertThat(rpc("GetTask", "{\"id\":\"" + id + "\"}")
                            .result()
                            .get("status")
                            .get("state")
                            .asString())
                    .isEqualTo("TASK_STATE_CANCELED");
            assertThat(rpc("CancelTask", "{\"id\":\"" + id + "\"}")
                            .error()
                            .get("code")
                            .asInt())
                    .isEqualTo(-32002);
        }

        @Test
        void anotherCallersTaskIsNotFound() {
            when(WORLD.llm, 1, "A2A-MINE", null, answer("Mine."));
            String id = rpc("SendMessage", send("A2A-MINE"))
                    .result()
                    .get("task")
                    .get("id")
                    .asString();

            Response response = call(WORLD.otherClientKey, "1.0", rpcBody("GetTask", "{\"id\":\"" + id + "\"}"));

            assertThat(response.json().get("error").get("code").asInt()).isEqualTo(-32001);
            assertThat(rpc("GetTask", "{\"id\":\"no-such-task\"}")
                            .error()
                            .get("code")
                            .asInt())
                    .isEqualTo(-32001);
        }
    }

    @Nested
    class Versions {

        @Test
        void anUnsupportedVersionIsAVersionNotSupportedError() {
            for (String version : List.of("0.3", "2.0")) {
                Response response = call(version, rpcBody("GetTask", "{\"id\":\"x\"}"));
                assertThat(response.status()).isEqualTo(200);
                JsonNode error = response.json().get("error");
                assertThat(error.get("code").asInt()).as(version).isEqualTo(-32009);
                assertThat(error.get("message").asString()).contains("1.0");
            }
        }

        @Test
        void the03MethodNamesAreServedUnderVersion10AndRefusedWithoutAVersion() {
            assertThat(call("1.0", rpcBody("tasks/get", "{\"id\":\"x\"}"))
                            .json()
                            .get("error")
                            .get("code")
                            .asInt())
                    .as("mapped onto GetTask: the task is simply not there")
                    .isEqualTo(-32001);
            assertThat(call(null, rpcBody("message/send", send("hello")))
                            .json()
                            .get("error")
                            .get("code")
                            .asInt())
                    .as("no header and a 0.3 method: a 0.3 client")
                    .isEqualTo(-32009);
            assertThat(call(null, rpcBody("GetTask", "{\"id\":\"x\"}"))
                            .json()
                            .get("error")
                            .get("code")
                            .asInt())
                    .as("a 1.0 method without the header")
                    .isEqualTo(-32001);
        }
    }

    @Nested
    class BadInput {

        @Test
        void withoutCredentialsTheEndpointIs401() {
            Response response = raw(null, "1.0", "application/json", rpcBody("GetTask", "{\"id\":\"x\"}"));
            assertThat(response.status()).isEqualTo(401);
        }

        @Test
        void everyMalformedCallIsAJsonRpcErrorNeverA500() {
            assertError(raw(WORLD.clientKey, "1.0", "application/json", "{not json"), 200, -32700);
            assertError(raw(WORLD.clientKey, "1.0", "application/json", "[]"), 200, -32600);
            assertError(raw(WORLD.clientKey, "1.0", "text/plain", rpcBody("GetTask", "{}")), 200, -32600);
            assertError(
                    call("1.0", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"GetTask\",\"params\":{\"id\":\"x\"}}"),
                    200,
                    -32600);
            assertError(call("1.0", "{\"jsonrpc\":\"2.0\",\"method\":\"GetTask\",\"params\":{}}"), 200, -32600);
            assertError(call("1.0", rpcBody("Launch", "{}")), 200, -32601);
            assertError(call("1.0", rpcBody("ListTasks", "{}")), 200, -32004);
            assertError(call("1.0", rpcBody("CreateTaskPushNotificationConfig", "{}")), 200, -32003);
            assertError(call("1.0", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendMessage\"}"), 200, -32602);
            assertError(call("1.0", rpcBody("SendMessage", "{}")), 200, -32602);
            assertError(call("1.0", rpcBody("GetTask", "{}")), 200, -32602);
            assertError(
                    call(
                            "1.0",
                            rpcBody(
                                    "SendMessage",
                                    "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"parts\":[]}}")),
                    200,
                    -32602);
            assertError(
                    call(
                            "1.0",
                            rpcBody(
                                    "SendMessage",
                                    "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\","
                                            + "\"parts\":[{\"url\":\"https://example.org/a.png\"}]}}")),
                    200,
                    -32005);
            assertError(
                    call(
                            "1.0",
                            rpcBody(
                                    "SendMessage",
                                    "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_AGENT\","
                                            + "\"parts\":[{\"text\":\"hi\"}]}}")),
                    200,
                    -32602);
            assertError(
                    call(
                            "1.0",
                            rpcBody(
                                    "SendMessage",
                                    "{\"message\":{\"messageId\":\"m\",\"role\":\"ROLE_USER\",\"contextId\":\"nope\","
                                            + "\"parts\":[{\"text\":\"hi\"}]}}")),
                    200,
                    -32602);
            assertError(call("1.0", rpcBody("SendMessage", send("x".repeat(20_000)))), 413, -32600);
        }

        private void assertError(Response response, int status, int code) {
            assertThat(response.status()).as(response.body()).isEqualTo(status);
            assertThat(response.json().get("error").get("code").asInt())
                    .as(response.body())
                    .isEqualTo(code);
            assertThat(response.json().get("error").get("message").asString()).isNotBlank();
        }
    }

    static String send(String text) {
        return """
                {"message":{"messageId":"%s","role":"ROLE_USER","parts":[{"text":%s}]}}""".formatted(UUID.randomUUID(), TestWorld.JSON.writeValueAsString(text));
    }

    static String rpcBody(String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":\"req-1\",\"method\":\"" + method + "\",\"params\":" + params + "}";
    }

    Rpc rpc(String method, String params) {
        Response response = call("1.0", rpcBody(method, params));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return new Rpc(response.json());
    }

    Response call(String version, String body) {
        return call(WORLD.clientKey, version, body);
    }

    Response call(String key, String version, String body) {
        return raw(key, version, "application/json", body);
    }

    Response raw(String key, String version, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/a2a"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (version != null) {
            request.header("A2A-Version", version);
        }
        return send(request);
    }

    Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET());
    }

    private static Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Rpc(JsonNode body) {
        JsonNode result() {
            assertThat(body.has("result")).as(body.toString()).isTrue();
            return body.get("result");
        }

        JsonNode error() {
            assertThat(body.has("error")).as(body.toString()).isTrue();
            return body.get("error");
        }
    }

    record Response(int status, String contentType, String body) {
        JsonNode json() {
            return TestWorld.JSON.readTree(body);
        }

        /** The JSON of each {@code data:} event of an SSE body. */
        List<JsonNode> dataEvents() {
            List<JsonNode> events = new ArrayList<>();
            StringBuilder data = new StringBuilder();
            for (String line : body.split("\n", -1)) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5));
                } else if (line.isEmpty() && !data.isEmpty()) {
                    events.add(TestWorld.JSON.readTree(data.toString()));
                    data.setLength(0);
                }
            }
            return events;
        }
    }
}
