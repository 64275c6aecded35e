package io.agentforge.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agentforge.agent.support.OpenAiStubs.answer;
import static io.agentforge.agent.support.OpenAiStubs.streamedAnswer;
import static io.agentforge.agent.support.OpenAiStubs.streamedToolCall;
import static io.agentforge.agent.support.OpenAiStubs.toolCalls;
import static io.agentforge.agent.support.OpenAiStubs.when;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.agentforge.agent.support.AgentHttp;
import io.agentforge.agent.support.TestIssuer;
import io.agentforge.agent.support.TestWorld;
import io.agentforge.client.DiscoveryCache;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The agent against an OpenAI-compatible model at wire level (WireMock), a real registry, and a tool registered in
 * it. Tests assert the answers and the requests the agent sent the model.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ChatWireTests {

    static final TestWorld WORLD = new TestWorld();
    static final TestIssuer ISSUER = new TestIssuer(WORLD.llm);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WORLD.openAiAgent(registry);
        registry.add("agentforge.agent.max-steps", () -> "3");
        registry.add("agentforge.agent.security.jwt-issuer-uri", ISSUER::issuer);
        registry.add("agentforge.agent.security.jwt-audience", () -> TestIssuer.AUDIENCE);
    }

    @AfterAll
    static void stopWorld() {
        WORLD.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DiscoveryCache discovery;

    AgentHttp agent;

    @BeforeEach
    void agent() {
        agent = new AgentHttp("http://127.0.0.1:" + port);
        // The discovery cache fills in the background after start.
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> discovery.function("calculator_evaluate").isPresent());
    }

    List<LoggedRequest> modelRequests(String marker) {
        return WORLD.llm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream()
                .filter(r -> r.getBodyAsString().contains(marker))
                .toList();
    }

    @Nested
    class ToolCalling {

        @Test
        void theModelsToolCallRunsOnTheRegisteredToolAndItsResultGoesBackToTheModel() {
            when(WORLD.llm, 5, "MARK-ONE", null, toolCalls("calculator_evaluate", "{\"expression\":\"6*7\"}"));
            when(WORLD.llm, 1, "MARK-ONE", "\"tool\"", answer("6 times 7 is 42."));

            JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-ONE what is 6*7?\"}")
                    .json();

            assertThat(result.get("answer").asString()).isEqualTo("6 times 7 is 42.");
            assertThat(result.get("steps")).hasSize(1);
            JsonNode step = result.get("steps").get(0);
            assertThat(step.get("tool").asString()).isEqualTo("calculator_evaluate");
            assertThat(step.get("arguments").get("expression").asString()).isEqualTo("6*7");
            assertThat(step.get("result").get("result").asString()).isEqualTo("42");
            assertThat(result.get("usage").get("totalTokens").asLong()).isEqualTo(138);
            assertThat(WORLD.toolCalls).contains("6*7");

            List<LoggedRequest> requests = modelRequests("MARK-ONE");
            assertThat(requests).hasSize(2);
            JsonNode first = TestWorld.JSON.readTree(requests.get(0).getBodyAsString());
            assertThat(first.get("model").asString()).isEqualTo("gpt-test");
            JsonNode function = first.get("tools").get(0).get("function");
            assertThat(function.get("name").asString()).isEqualTo("calculator_evaluate");
            assertThat(function.get("parameters")
                            .get("properties")
                            .get("expression")
                            .get("type")
                            .asString())
                    .as("the registry's JSON schema is what the model sees")
                    .isEqualTo("string");
            JsonNode second = TestWorld.JSON.readTree(requests.get(1).getBodyAsString());
            JsonNode toolMessage = second.get("messages")
                    .valueStream()
                    .filter(m -> m.get("role").asString().equals("tool"))
                    .findFirst()
                    .orElseThrow();
            assertThat(toolMessage.get("tool_call_id").asString()).isEqualTo("call_1");
            assertThat(toolMessage.get("content").asString()).contains("42");
        }

        @Test
        void aToolThatRegistersIsOfferedOnTheNextQuestionAndNoLongerOnceItHasGone() {
            String weatherKey = WORLD.key("weather", "service");
            when(WORLD.llm, 5, "MARK-LATE", null, answer("Noted."));
            WORLD.registerTool("weather", "weather_lookup", weatherKey);
            try {
                Awaitility.await()
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> discovery.function("weather_lookup").isPresent());
                agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-LATE-1 weather?\"}")
                        .json();
            } finally {
                WORLD.deregister("weather-1", weatherKey);
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> discovery.function("weather_lookup").isEmpty());
            agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-LATE-2 weather?\"}")
                    .json();

            assertThat(offered(modelRequests("MARK-LATE-1"))).contains("weather_lookup", "calculator_evaluate");
            assertThat(offered(modelRequests("MARK-LATE-2"))).containsExactly("calculator_evaluate");
        }

        // The function names offered to the model in the first of these requests.
        private List<String> offered(List<LoggedRequest> requests) {
            assertThat(requests).isNotEmpty();
            return TestWorld.JSON
                    .readTree(requests.getFirst().getBodyAsString())
                    .get("tools")
                    .valueStream()
                    .map(t -> t.get("function").get("name").asString())
                    .toList();
        }

        @Test
        void severalToolCallsInOneTurnAllRunAndAllResultsGoBack() {
            when(
                    WORLD.llm,
                    5,
                    "MARK-TWO",
                    null,
                    toolCalls(
                            "calculator_evaluate",
                            "{\"expression\":\"1+1\"}",
                            "calculator_evaluate",
                            "{\"expression\":\"2+2\"}"));
            when(WORLD.llm, 1, "MARK-TWO", "\"tool\"", answer("Both done."));

            JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-TWO both\"}")
                    .json();

            assertThat(result.get("steps")).hasSize(2);
            JsonNode second =
                    TestWorld.JSON.readTree(modelRequests("MARK-TWO").get(1).getBodyAsString());
            assertThat(second.get("messages")
                            .valueStream()
                            .filter(m -> m.get("role").asString().equals("tool")))
                    .extracting(m -> m.get("tool_call_id").asString())
                    .containsExactly("call_1", "call_2");
        }

        @Test
        void anUnknownFunctionOrABadArgumentGoesBackToTheModelAsAnErrorResult() {
            when(
                    WORLD.llm,
                    5,
                    "MARK-BAD",
                    null,
                    toolCalls(
                            "weather_now", "{\"city\":\"Oslo\"}", "calculator_evaluate", "{\"expression\":\"1 / 0\"}"));
            when(WORLD.llm, 1, "MARK-BAD", "\"tool\"", answer("I could not do that."));

            JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-BAD try\"}")
                    .json();

            assertThat(result.get("answer").asString()).isEqualTo("I could not do that.");
            assertThat(result.get("steps").get(0).get("error").asString()).contains("Unknown function 'weather_now'");
            assertThat(result.get("steps").get(1).get("error").asString()).contains("Division by zero");
            String fedBack = modelRequests("MARK-BAD").get(1).getBodyAsString();
            assertThat(fedBack).contains("Unknown function").contains("Division by zero");
        }

        @Test
        void aModelThatNeverStopsCallingToolsIsCutOffAtMaxSteps() {
            when(WORLD.llm, 5, "MARK-LOOP", null, toolCalls("calculator_evaluate", "{\"expression\":\"1+1\"}"));

            JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-LOOP forever\"}")
                    .json();

            assertThat(result.get("answer").asString()).contains("stopped after 3 steps");
            assertThat(modelRequests("MARK-LOOP")).hasSize(3);
        }

        @Test
        void perRequestOptionsReachTheModel() {
            when(WORLD.llm, 5, "MARK-OPT", null, answer("ok"));

            agent.post(
                    "/api/v1/chat",
                    WORLD.clientKey,
                    "{\"message\":\"MARK-OPT\",\"options\":{\"model\":\"gpt-other\",\"temperature\":0.9}}");

            JsonNode sent =
                    TestWorld.JSON.readTree(modelRequests("MARK-OPT").getFirst().getBodyAsString());
            assertThat(sent.get("model").asString()).isEqualTo("gpt-other");
            assertThat(sent.get("temperature").asDouble()).isEqualTo(0.9);
        }

        @Test
        void aModelThatCannotBeReachedIsABadGateway() {
            WORLD.llm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions"))
                    .atPriority(1)
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("MARK-500"))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withStatus(401)
                            .withBody("{\"error\":{\"message\":\"bad key\"}}")));

            AgentHttp.Response response = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-500\"}");

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.json().get("type").asString()).isEqualTo("urn:agentforge:problem:model-unavailable");
        }
    }

    @Nested
    class TheModelConnection {

        @Test
        void everyModelCallCarriesTheQuestionsTraceAndAFailedAttemptIsRetried() throws Exception {
            // A fresh mapping builder per stub: a builder carries its stub's id.
            java.util.function.Supplier<com.github.tomakehurst.wiremock.client.ScenarioMappingBuilder> request =
                    () -> com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions"))
                            .atPriority(1)
                            .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("MARK-RETRY"))
                            .inScenario("retry");
            WORLD.llm.stubFor(request.get()
                    .whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withStatus(503)
                            .withBody("{\"error\":{\"message\":\"busy\"}}"))
                    .willSetStateTo("busy once"));
            WORLD.llm.stubFor(request.get()
                    .whenScenarioStateIs("busy once")
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody(answer("Second time lucky."))));
            String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";

            HttpResponse<String> response;
            try (HttpClient http = HttpClient.newHttpClient()) {
                response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/chat"))
                                .header("Authorization", "Bearer " + WORLD.clientKey)
                                .header("Content-Type", "application/json")
                                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"MARK-RETRY\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("Second time lucky.");
            List<LoggedRequest> requests = modelRequests("MARK-RETRY");
            assertThat(requests).as("the 503 and its retry").hasSize(2);
            assertThat(requests)
                    .as("W3C trace context goes to the model on every attempt")
                    .allSatisfy(
                            r -> assertThat(r.getHeader("traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01"));
            assertThat(requests.get(0).getHeader("Authorization")).isEqualTo("Bearer sk-test");
        }
    }

    @Nested
    class Streaming {

        @Test
        void stepsDeltasAndTheResultArriveAsEvents() {
            when(
                    WORLD.llm,
                    5,
                    "MARK-STREAM",
                    null,
                    streamedToolCall("calculator_evaluate", "{\"expression\":\"6*7\"}"));
            when(WORLD.llm, 1, "MARK-STREAM", "\"tool\"", streamedAnswer(List.of("It ", "is ", "42.")));

            AgentHttp.Response response =
                    agent.post("/api/v1/chat/stream", WORLD.clientKey, "{\"message\":\"MARK-STREAM go\"}");

            assertThat(response.contentType()).startsWith("text/event-stream");
            List<AgentHttp.Event> events = response.events();
            assertThat(events)
                    .extracting(AgentHttp.Event::name)
                    .containsExactly("step", "step", "delta", "delta", "delta", "done");
            assertThat(events.get(0).data().get("phase").asString()).isEqualTo("started");
            assertThat(events.get(1)
                            .data()
                            .get("step")
                            .get("result")
                            .get("result")
                            .asString())
                    .isEqualTo("42");
            assertThat(events.get(1)
                            .data()
                            .get("step")
                            .get("arguments")
                            .get("expression")
                            .asString())
                    .as("arguments streamed in two pieces were joined")
                    .isEqualTo("6*7");
            assertThat(events.getLast().data().get("answer").asString()).isEqualTo("It is 42.");
        }

        @Test
        void theStreamedModelRequestCarriesTheQuestionsTraceContext() throws Exception {
            when(WORLD.llm, 5, "MARK-STRACE", null, streamedAnswer(List.of("Traced.")));
            String traceId = "5af7183fb1d4cf5f3c8e20f6a1b2c3d4";

            HttpResponse<String> response;
            try (HttpClient http = HttpClient.newHttpClient()) {
                response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/chat/stream"))
                                .header("Authorization", "Bearer " + WORLD.clientKey)
                                .header("Content-Type", "application/json")
                                .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"MARK-STRACE\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }

            assertThat(response.body()).contains("Traced.");
            // The SDK sends a streamed request from its own thread: the turn's context still reaches the model.
            assertThat(modelRequests("MARK-STRACE")).singleElement().satisfies(r -> {
                assertThat(r.getHeader("traceparent")).matches("00-" + traceId + "-[0-9a-f]{16}-01");
                assertThat(r.containsHeader("X-Agentforge-Call-Context")).isFalse();
            });
        }

        @Test
        void aModelFailureAfterTheStreamStartedIsAnErrorEventWithAProblem() {
            WORLD.llm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/v1/chat/completions"))
                    .atPriority(1)
                    .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("MARK-S401"))
                    .willReturn(com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                            .withStatus(401)
                            .withBody("{\"error\":{\"message\":\"bad key\"}}")));

            AgentHttp.Response response =
                    agent.post("/api/v1/chat/stream", WORLD.clientKey, "{\"message\":\"MARK-S401\"}");

            assertThat(response.status()).isEqualTo(200);
            AgentHttp.Event error = response.events().getLast();
            assertThat(error.name()).isEqualTo("error");
            assertThat(error.data().get("status").asInt()).isEqualTo(502);
            assertThat(error.data().get("type").asString()).isEqualTo("urn:agentforge:problem:model-unavailable");
        }
    }

    @Nested
    class Conversations {

        @Test
        void aConversationContinuesWithItsHistoryAndBelongsToItsCaller() {
            when(WORLD.llm, 5, "MARK-CONV", null, answer("Noted."));
            JsonNode first = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-CONV my name is Ada\"}")
                    .json();
            String id = first.get("conversationId").asString();

            agent.post(
                    "/api/v1/chat",
                    WORLD.clientKey,
                    "{\"message\":\"MARK-CONV what is my name?\",\"conversationId\":\"" + id + "\"}");

            String secondRequest = modelRequests("what is my name").getFirst().getBodyAsString();
            assertThat(secondRequest).contains("my name is Ada").contains("Noted.");
            JsonNode conversation =
                    agent.get("/api/v1/conversations/" + id, WORLD.clientKey).json();
            assertThat(conversation.get("turns")).hasSize(2);
            assertThat(agent.get("/api/v1/conversations", WORLD.clientKey).body())
                    .contains(id);
            assertThat(agent.get("/api/v1/conversations/" + id, WORLD.otherClientKey)
                            .status())
                    .isEqualTo(404);
            assertThat(agent.get("/api/v1/conversations", WORLD.otherClientKey).body())
                    .doesNotContain(id);
            assertThat(agent.post(
                                    "/api/v1/chat",
                                    WORLD.otherClientKey,
                                    "{\"message\":\"MARK-CONV hi\",\"conversationId\":\"" + id + "\"}")
                            .status())
                    .isEqualTo(404);
        }
    }

    @Nested
    class BadInput {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                empty message       | {"message":""}                                        | 400
                missing message     | {}                                                    | 400
                malformed JSON      | {"message":                                           | 400
                wrong type          | {"message":["a"]}                                     | 400
                temperature too hot | {"message":"hi","options":{"temperature":9}}          | 400
                zero steps          | {"message":"hi","options":{"maxSteps":0}}             | 400
                too many steps      | {"message":"hi","options":{"maxSteps":500}}           | 400
                odd model name      | {"message":"hi","options":{"model":"a b; drop"}}      | 400
                bad conversation id | {"message":"hi","conversationId":"../../etc"}         | 400
                NaN temperature     | {"message":"hi","options":{"temperature":"NaN"}}      | 400
                fractional steps    | {"message":"hi","options":{"maxSteps":2.7}}           | 400
                number as message   | {"message":123}                                       | 400
                steps as text       | {"message":"hi","options":{"maxSteps":"3"}}           | 400
                unknown conversation| {"message":"hi","conversationId":"does-not-exist"}    | 404
                """)
        void isRefusedWithAProblemByBothChatEndpoints(String label, String body, int status) {
            for (String path : List.of("/api/v1/chat", "/api/v1/chat/stream")) {
                AgentHttp.Response response = agent.post(path, WORLD.clientKey, body);

                assertThat(response.status()).as(path).isEqualTo(status);
                assertThat(response.contentType()).as(path).startsWith("application/problem+json");
                assertThat(response.json().get("detail").asString()).as(path).isNotBlank();
            }
        }

        @Test
        void aBadConversationIdInThePathIsRefused() {
            AgentHttp.Response response = agent.get("/api/v1/conversations/..%2F..%2Fetc", WORLD.clientKey);

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }

        @Test
        void aTooLongMessageIsRefused() {
            AgentHttp.Response response =
                    agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"" + "a".repeat(9000) + "\"}");

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.json().get("detail").asString()).contains("longer than 8000");
        }

        @Test
        void anOversizedBodyIsRefused() {
            AgentHttp.Response response =
                    agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"" + "a".repeat(70_000) + "\"}");

            assertThat(response.status()).isEqualTo(413);
        }
    }

    @Nested
    class Security {

        @Test
        void callersNeedAValidKey() {
            assertThat(agent.post("/api/v1/chat", null, "{\"message\":\"hi\"}").status())
                    .isEqualTo(401);
            assertThat(agent.post("/api/v1/chat", "af_nosuchkey1_abcdefghijklmnopqrstuvwxyz", "{\"message\":\"hi\"}")
                            .status())
                    .isEqualTo(401);
            assertThat(agent.get("/api/v1/conversations", null)
                            .json()
                            .get("type")
                            .asString())
                    .isEqualTo("urn:agentforge:problem:unauthorized");
        }

        @Test
        void aJwtFromTheConfiguredIssuerIsAcceptedAndOwnsItsConversations() {
            when(WORLD.llm, 5, "MARK-JWT", null, answer("Hello, token holder."));
            String token = ISSUER.token("user-42");

            AgentHttp.Response response = agent.post("/api/v1/chat", token, "{\"message\":\"MARK-JWT hi\"}");

            assertThat(response.status()).as(response.body()).isEqualTo(200);
            String id = response.json().get("conversationId").asString();
            assertThat(agent.get("/api/v1/conversations/" + id, token).status()).isEqualTo(200);
            assertThat(agent.get("/api/v1/conversations/" + id, ISSUER.token("user-43"))
                            .status())
                    .isEqualTo(404);
            assertThat(agent.get("/api/v1/conversations/" + id, WORLD.clientKey).status())
                    .isEqualTo(404);
        }

        @Test
        void aJwtSignedWithAnotherKeyIsRefused() {
            assertThat(agent.post("/api/v1/chat", ISSUER.forgedToken("user-42"), "{\"message\":\"hi\"}")
                            .status())
                    .isEqualTo(401);
        }

        @Test
        void aJwtWithoutASubjectOrForAnotherAudienceIsRefused() {
            assertThat(agent.get("/api/v1/conversations", ISSUER.token(null)).status())
                    .as("no subject: it could not own conversations")
                    .isEqualTo(401);
            assertThat(agent.get("/api/v1/conversations", ISSUER.tokenFor("user-42", "another-service"))
                            .status())
                    .isEqualTo(401);
            assertThat(agent.get("/api/v1/conversations", ISSUER.token("user-42"))
                            .status())
                    .isEqualTo(200);
        }

        @Test
        void healthAndApiDocsArePublic() {
            assertThat(agent.get("/actuator/health/readiness", null).status()).isEqualTo(200);
            assertThat(agent.get("/v3/api-docs", null).body()).contains("/api/v1/chat/stream", "/api/v1/conversations");
        }

        @Test
        void theAgentRegistersItselfAsAnAgentAndTheRegistryFindsItHealthy() {
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode services = WORLD.registryGet("/api/v1/services?kind=AGENT&status=UP");
                assertThat(services).hasSize(1);
                assertThat(services.get(0).get("name").asString()).isEqualTo("agent");
                JsonNode instance = services.get(0).get("instances").get(0);
                assertThat(instance.get("endpoint").asString())
                        .as("its own bound port")
                        .endsWith(":" + port);
                assertThat(instance.get("capabilities").toString()).contains("chat", "tool-calling");
                assertThat(instance.get("metadata").get("stream").asString()).isEqualTo("/api/v1/chat/stream");
                assertThat(instance.get("healthCheck").get("path").asString()).isEqualTo("/actuator/health/readiness");
                assertThat(instance.get("functions"))
                        .as("an agent offers no functions")
                        .isEmpty();
            });
        }
    }

    /**
     * Tools are called on behalf of the person who asked: the token a tool receives names them as {@code sub} and the
     * agent as {@code act} (the console too, nested, when it was in between) — never an {@code af_} key.
     */
    @Nested
    class OnBehalfOfTheUser {

        @Test
        void aToolCalledForAKeyHolderGetsARegistryJwtWithTheUserAsSubjectAndTheAgentAsActor() {
            when(WORLD.llm, 5, "MARK-OBO-KEY", null, toolCalls("calculator_evaluate", "{\"expression\":\"1+41\"}"));
            when(WORLD.llm, 1, "MARK-OBO-KEY", "\"tool\"", answer("It is 42."));

            AgentHttp.Response response =
                    agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"MARK-OBO-KEY what is 1+41?\"}");

            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.json()
                            .get("steps")
                            .get(0)
                            .get("result")
                            .get("result")
                            .asString())
                    .isEqualTo("42");
            String authorization = toolAuthorization("1+41");
            assertThat(authorization).startsWith("Bearer ey").doesNotContain("af_");
            JsonNode claims = TestWorld.claims(authorization.substring("Bearer ".length()));
            assertThat(TestWorld.audience(claims)).containsExactly("calculator");
            assertThat(claims.get("sub").asString()).isEqualTo("key:" + TestWorld.keyId(WORLD.clientKey));
            assertThat(claims.get("act").get("sub").asString()).isEqualTo("key:" + TestWorld.keyId(WORLD.agentKey));
            assertThat(claims.get("act").has("act"))
                    .as("the user called the agent directly")
                    .isFalse();
            assertThat(WORLD.toolAuthorizations)
                    .as("no tool call ever carried a key")
                    .allSatisfy(call -> assertThat(call.getValue()).doesNotContain("af_"));
        }

        @Test
        void aRegistryJwtForTheAgentIsAcceptedAndItsUserIsTheCallerAndTheSubjectOfTheToolCalls() {
            String consoleKey = WORLD.key("console", "client");
            String token = agentToken(consoleKey, WORLD.otherClientKey);
            when(WORLD.llm, 5, "MARK-OBO-JWT", null, toolCalls("calculator_evaluate", "{\"expression\":\"40+2\"}"));
            when(WORLD.llm, 1, "MARK-OBO-JWT", "\"tool\"", answer("It is 42."));

            AgentHttp.Response response =
                    agent.post("/api/v1/chat", token, "{\"message\":\"MARK-OBO-JWT what is 40+2?\"}");

            assertThat(response.status()).as(response.body()).isEqualTo(200);
            JsonNode claims = TestWorld.claims(toolAuthorization("40+2").substring("Bearer ".length()));
            assertThat(TestWorld.audience(claims)).containsExactly("calculator");
            assertThat(claims.get("sub").asString()).isEqualTo("key:" + TestWorld.keyId(WORLD.otherClientKey));
            assertThat(claims.get("act").get("sub").asString()).isEqualTo("key:" + TestWorld.keyId(WORLD.agentKey));
            assertThat(claims.get("act").get("act").get("sub").asString())
                    .as("the console that exchanged the user's key for the agent's token")
                    .isEqualTo("key:" + TestWorld.keyId(consoleKey));
            // The token's subject is the caller: the same person asking with their key sees the conversation.
            String id = response.json().get("conversationId").asString();
            assertThat(agent.get("/api/v1/conversations/" + id, WORLD.otherClientKey)
                            .status())
                    .isEqualTo(200);
            assertThat(agent.get("/api/v1/conversations/" + id, WORLD.clientKey).status())
                    .isEqualTo(404);
        }

        @Test
        void aRegistryJwtForAnotherServiceIsRefusedWithAProblem() {
            String consoleKey = WORLD.key("console-2", "client");
            String forTheCalculator = WORLD.token(consoleKey, "calculator", WORLD.clientKey);

            AgentHttp.Response response = agent.post("/api/v1/chat", forTheCalculator, "{\"message\":\"hi\"}");

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().get("type").asString()).isEqualTo("urn:agentforge:problem:unauthorized");
            assertThat(response.json().get("detail").asString()).contains("'calculator'", "'agent'");
            assertThat(agent.get("/api/v1/conversations", agentToken(consoleKey, WORLD.clientKey))
                            .status())
                    .as("the same caller with a token for the agent")
                    .isEqualTo(200);
        }

        @Test
        void aTamperedRegistryJwtIsRefused() {
            String token = agentToken(WORLD.key("console-3", "client"), WORLD.clientKey);
            String[] parts = token.split("\\.");
            String otherUser = java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(TestWorld.claims(token)
                            .toString()
                            .replace(TestWorld.keyId(WORLD.clientKey), TestWorld.keyId(WORLD.otherClientKey))
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));

            AgentHttp.Response response =
                    agent.get("/api/v1/conversations", parts[0] + "." + otherUser + "." + parts[2]);

            assertThat(response.status()).isEqualTo(401);
            assertThat(response.json().get("detail").asString()).contains("bad signature");
        }

        // A token for the agent, on behalf of subject, once the agent's registration makes "agent" an owned name.
        private String agentToken(String clientKey, String subject) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> WORLD.exchange(clientKey, "agent", subject).statusCode() == 200);
            return WORLD.token(clientKey, "agent", subject);
        }

        private String toolAuthorization(String expression) {
            return WORLD.toolAuthorizations.stream()
                    .filter(call -> call.getKey().equals(expression))
                    .map(java.util.Map.Entry::getValue)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the tool was not asked " + expression));
        }
    }
}
