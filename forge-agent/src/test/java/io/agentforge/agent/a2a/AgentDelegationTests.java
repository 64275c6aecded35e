package io.agentforge.agent.a2a;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agentforge.agent.support.OpenAiStubs.answer;
import static io.agentforge.agent.support.OpenAiStubs.toolCalls;
import static io.agentforge.agent.support.OpenAiStubs.when;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.agent.support.AgentHttp;
import io.agentforge.agent.support.TestWorld;
import io.agentforge.client.DiscoveryCache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Agent-to-agent delegation: the agent under test hands a question to another registered agent (a stub A2A agent on
 * loopback) through {@code delegate_to_agent}, for the user who asked, within the depth limit.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AgentDelegationTests {

    static final TestWorld WORLD = new TestWorld();
    static final List<Received> HELPER_CALLS = new CopyOnWriteArrayList<>();
    static final HttpServer HELPER = helper();

    static {
        register("helper-1", "helper-agent", WORLD.key("helper", "service"));
    }

    record Received(String authorization, String version, JsonNode body) {}

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WORLD.openAiAgent(registry);
        registry.add("agentforge.agent.max-steps", () -> "3");
    }

    @AfterAll
    static void stop() {
        HELPER.stop(0);
        WORLD.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DiscoveryCache discovery;

    AgentHttp agent;

    @BeforeEach
    void ready() {
        agent = new AgentHttp("http://127.0.0.1:" + port);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> discovery.function("calculator_evaluate").isPresent());
    }

    @Test
    void aQuestionIsHandedToAnotherAgentForTheSameUserAndItsAnswerGoesBackToTheModel() {
        when(
                WORLD.llm,
                5,
                "DELEGATE-ONE",
                null,
                toolCalls("delegate_to_agent", "{\"agent\":\"helper-agent\",\"message\":\"what is 6*7?\"}"));
        when(WORLD.llm, 1, "DELEGATE-ONE", "\"tool\"", answer("The helper says 42."));

        JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"DELEGATE-ONE ask the helper\"}")
                .json();

        assertThat(result.get("answer").asString()).isEqualTo("The helper says 42.");
        JsonNode step = result.get("steps").get(0);
        assertThat(step.get("tool").asString()).isEqualTo("delegate_to_agent");
        assertThat(step.get("result").get("answer").asString()).isEqualTo("helper: 42");
        assertThat(step.get("result").get("state").asString()).isEqualTo("TASK_STATE_COMPLETED");

        Received received = HELPER_CALLS.getLast();
        assertThat(received.version()).isEqualTo("1.0");
        assertThat(received.body().get("method").asString()).isEqualTo("SendMessage");
        assertThat(received.body()
                        .get("params")
                        .get("metadata")
                        .get("agentforge/delegation-depth")
                        .asInt())
                .isEqualTo(1);
        JsonNode claims = TestWorld.claims(received.authorization().substring("Bearer ".length()));
        assertThat(TestWorld.audience(claims)).containsExactly("helper-agent");
        assertThat(claims.get("sub").asString())
                .as("the helper is called for the user who asked, not for the agent")
                .isEqualTo("key:" + TestWorld.keyId(WORLD.clientKey));

        JsonNode offered =
                TestWorld.JSON.readTree(WORLD.llm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream()
                        .filter(r -> r.getBodyAsString().contains("DELEGATE-ONE"))
                        .findFirst()
                        .orElseThrow()
                        .getBodyAsString());
        assertThat(offered.get("tools").findValuesAsString("name"))
                .contains("delegate_to_agent", "calculator_evaluate");
        JsonNode delegate = offered.get("tools")
                .valueStream()
                .map(t -> t.get("function"))
                .filter(f -> f.get("name").asString().equals("delegate_to_agent"))
                .findFirst()
                .orElseThrow();
        assertThat(delegate.get("parameters")
                        .get("properties")
                        .get("agent")
                        .get("enum")
                        .toString())
                .as("the other agents, never the agent itself")
                .isEqualTo("[\"helper-agent\"]");
    }

    @Test
    void anAgentRegisteredAfterTheListWasMadeIsReachedWithoutWaitingForTheRefresh() {
        String key = WORLD.key("late", "service");
        // A question first, so the agent holds a list of agents without the late one (refreshed every 10 s).
        when(WORLD.llm, 1, "DELEGATE-BEFORE", null, answer("No need."));
        agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"DELEGATE-BEFORE hello\"}");
        register("late-1", "late-agent", key);
        try {
            when(
                    WORLD.llm,
                    5,
                    "DELEGATE-LATE",
                    null,
                    toolCalls("delegate_to_agent", "{\"agent\":\"late-agent\",\"message\":\"what is 6*7?\"}"));
            when(WORLD.llm, 1, "DELEGATE-LATE", "\"tool\"", answer("The late agent says 42."));

            JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"DELEGATE-LATE ask\"}")
                    .json();

            JsonNode step = result.get("steps").get(0);
            assertThat(step.has("result")).as(step.toString()).isTrue();
            assertThat(step.get("result").get("agent").asString()).isEqualTo("late-agent");
            assertThat(step.get("result").get("answer").asString()).isEqualTo("helper: 42");
        } finally {
            WORLD.deregister("late-1", key);
        }
    }

    @Test
    void aQuestionThatAlreadyPassedTheDepthLimitIsNotHandedOn() {
        int before = HELPER_CALLS.size();
        when(
                WORLD.llm,
                5,
                "DELEGATE-DEEP",
                null,
                toolCalls("delegate_to_agent", "{\"agent\":\"helper-agent\",\"message\":\"and again\"}"));
        when(WORLD.llm, 1, "DELEGATE-DEEP", "\"tool\"", answer("I answer myself."));

        AgentHttp.Response response = new AgentHttp("http://127.0.0.1:" + port)
                .post("/a2a", WORLD.clientKey, """
                {"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{
                 "message":{"messageId":"%s","role":"ROLE_USER","parts":[{"text":"DELEGATE-DEEP go"}]},
                 "metadata":{"agentforge/delegation-depth":2}}}""".formatted(UUID.randomUUID()));

        JsonNode task = response.json().get("result").get("task");
        JsonNode step = task.get("metadata").get("steps").get(0);
        assertThat(step.get("tool").asString()).isEqualTo("delegate_to_agent");
        assertThat(step.get("error").asString()).contains("Delegation refused", "limit is 2");
        assertThat(HELPER_CALLS).hasSize(before);
    }

    @Test
    void theAgentDoesNotDelegateToItself() {
        when(
                WORLD.llm,
                5,
                "DELEGATE-SELF",
                null,
                toolCalls("delegate_to_agent", "{\"agent\":\"agent\",\"message\":\"loop\"}"));
        when(WORLD.llm, 1, "DELEGATE-SELF", "\"tool\"", answer("Fine."));

        JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"DELEGATE-SELF go\"}")
                .json();

        assertThat(result.get("steps").get(0).get("error").asString()).contains("this agent itself");
    }

    /** A minimal A2A agent: answers every SendMessage with a completed task, and is registered as an AGENT. */
    private static HttpServer helper() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/a2a", exchange -> {
                JsonNode body =
                        TestWorld.JSON.readTree(exchange.getRequestBody().readAllBytes());
                HELPER_CALLS.add(new Received(
                        String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                        String.valueOf(exchange.getRequestHeaders().getFirst("A2A-Version")),
                        body));
                byte[] answer = TestWorld.JSON.writeValueAsBytes(Map.of(
                        "jsonrpc",
                        "2.0",
                        "id",
                        body.get("id"),
                        "result",
                        Map.of(
                                "task",
                                Map.of(
                                        "id",
                                        "t-1",
                                        "contextId",
                                        "c-1",
                                        "status",
                                        Map.of("state", "TASK_STATE_COMPLETED"),
                                        "artifacts",
                                        List.of(Map.of(
                                                "artifactId",
                                                "answer",
                                                "parts",
                                                List.of(Map.of("text", "helper: 42"))))))));
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, answer.length);
                exchange.getResponseBody().write(answer);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the helper server as an A2A agent of the given name. */
    private static void register(String instanceId, String name, String key) {
        WORLD.post(
                "/api/v1/instances",
                key,
                Map.of(
                        "instanceId",
                        instanceId,
                        "name",
                        name,
                        "kind",
                        "AGENT",
                        "description",
                        "Knows the answer to everything",
                        "endpoint",
                        "http://127.0.0.1:" + HELPER.getAddress().getPort(),
                        "metadata",
                        Map.of("a2a", "/a2a"),
                        "leaseDuration",
                        "1h"));
    }
}
