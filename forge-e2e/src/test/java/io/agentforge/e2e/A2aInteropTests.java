package io.agentforge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.a2a.client.Client;
import io.a2a.client.ClientEvent;
import io.a2a.client.TaskEvent;
import io.a2a.client.TaskUpdateEvent;
import io.a2a.client.config.ClientConfig;
import io.a2a.client.http.A2ACardResolver;
import io.a2a.client.transport.jsonrpc.JSONRPCTransport;
import io.a2a.client.transport.jsonrpc.JSONRPCTransportConfig;
import io.a2a.client.transport.spi.interceptors.ClientCallContext;
import io.a2a.spec.AgentCard;
import io.a2a.spec.Message;
import io.a2a.spec.Part;
import io.a2a.spec.Task;
import io.a2a.spec.TaskArtifactUpdateEvent;
import io.a2a.spec.TaskState;
import io.a2a.spec.TaskStatusUpdateEvent;
import io.a2a.spec.TextPart;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The a2a-java SDK's A2A 1.0 client against the real agent process: it reads the public agent card, then streams the
 * answer to "6*7" over JSON-RPC while the agent (on a WireMock model speaking the OpenAI wire format) calls the real
 * calculator through the registry; and the agent hands a question to a second agent process over A2A, which answers it
 * for the same user through its own tool calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
class A2aInteropTests {

    private static final Duration START = Duration.ofSeconds(120);
    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String STREAMED = "\"stream\":true";
    private static final String ANSWER_MESSAGE = "{\"role\":\"assistant\",\"content\":\"6 * 7 = 42\"}";
    private static final String DELEGATE_CALL = toolCallMessage(
            "delegate_to_agent", "{\"agent\":\"helper-agent\",\"message\":\"a2a-helper: what is 6*7?\"}");
    private static final String CALCULATOR_CALL = toolCallMessage("calculator_evaluate", "{\"expression\":\"6*7\"}");

    private WireMockServer llm;
    private RegistryServer registry;
    private ServiceProcess calculator;
    private ServiceProcess agent;
    private ServiceProcess helper;
    private String clientKey;

    @BeforeAll
    void startTheStack() throws Exception {
        llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        llm.start();
        // Streamed turns (the SDK client streams): first the calculator call, then, with its result ("tool"
        // message), the answer. Called turns (SendMessage, and the helper agent answering a delegation) get JSON.
        stub(1, List.of("\"tool\"", STREAMED), "text/event-stream", answer());
        stub(2, List.of("\"tool\""), "application/json", completion(ANSWER_MESSAGE, "stop"));
        stub(5, List.of("a2a-e2e", STREAMED), "text/event-stream", toolCall());
        stub(6, List.of("a2a-delegate"), "application/json", completion(DELEGATE_CALL, "tool_calls"));
        stub(7, List.of("a2a-helper"), "application/json", completion(CALCULATOR_CALL, "tool_calls"));
        registry = RegistryServer.start();
        clientKey = registry.createKey("a2a-user", Role.CLIENT).key();
        calculator = ServiceProcess.start(
                "calculator",
                "a2a-calculator",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        registry.createKey("calculator", Role.SERVICE).key()));
        agent = ServiceProcess.start(
                "agent",
                "a2a-agent",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        registry.createKey("agent", Role.SERVICE).key(),
                        "OPENAI_API_KEY",
                        "sk-e2e",
                        "AGENTFORGE_LLM_BASE_URL",
                        llm.baseUrl() + "/v1",
                        "AGENTFORGE_LLM_MODEL",
                        "gpt-test"));
        // A second agent under another service name, for agent-to-agent delegation.
        helper = ServiceProcess.start(
                "agent",
                "a2a-helper-agent",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        registry.createKey("helper-agent", Role.SERVICE).key(),
                        "OPENAI_API_KEY",
                        "sk-e2e",
                        "AGENTFORGE_LLM_BASE_URL",
                        llm.baseUrl() + "/v1",
                        "AGENTFORGE_LLM_MODEL",
                        "gpt-test"),
                "--agentforge.service.name=helper-agent",
                "--agentforge.service.description=Helps with arithmetic");
        calculator.awaitReady(START);
        agent.awaitReady(START);
        helper.awaitReady(START);
        HttpRegistryClient client = registry.client(clientKey);
        Awaitility.await("the calculator UP in the registry")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> client.services(ServiceQuery.all().withName("calculator")).stream()
                        .map(RegisteredService::instances)
                        .flatMap(List::stream)
                        .anyMatch(i -> i.status() == InstanceStatus.UP));
        Awaitility.await("the helper agent UP in the registry")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> client.services(ServiceQuery.all().withName("helper-agent")).stream()
                        .map(RegisteredService::instances)
                        .flatMap(List::stream)
                        .anyMatch(i -> i.status() == InstanceStatus.UP));
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {helper, agent, calculator, registry}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (llm != null) {
            llm.stop();
        }
    }

    @Test
    void theSdkClientReadsTheCardAndStreamsTheAnswerComputedByTheCalculator() throws Exception {
        AgentCard card = new A2ACardResolver(agent.url()).getAgentCard();

        assertThat(card.name()).isEqualTo("agent");
        assertThat(card.capabilities().streaming()).isTrue();
        assertThat(card.supportedInterfaces().getFirst().url()).isEqualTo(agent.url() + "/a2a");
        assertThat(card.supportedInterfaces().getFirst().protocolVersion()).isEqualTo("1.0");
        assertThat(card.securitySchemes()).containsKey("bearer");

        List<ClientEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Task> finished = new CompletableFuture<>();
        Client client = Client.builder(card)
                .clientConfig(new ClientConfig.Builder().setStreaming(true).build())
                .withTransport(JSONRPCTransport.class, new JSONRPCTransportConfig())
                .addConsumer((event, agentCard) -> {
                    events.add(event);
                    Task task = event instanceof TaskUpdateEvent update
                            ? update.getTask()
                            : event instanceof TaskEvent whole ? whole.getTask() : null;
                    if (task != null && task.status().state() == TaskState.TASK_STATE_COMPLETED) {
                        finished.complete(task);
                    }
                })
                .streamingErrorHandler(finished::completeExceptionally)
                .build();
        try {
            client.sendMessage(
                    Message.builder()
                            .role(Message.Role.ROLE_USER)
                            .messageId(UUID.randomUUID().toString())
                            .parts(List.<Part<?>>of(new TextPart("a2a-e2e: what is 6*7?")))
                            .build(),
                    (io.a2a.spec.PushNotificationConfig) null,
                    null,
                    new ClientCallContext(
                            Map.of(), Map.of("Authorization", "Bearer " + clientKey, "A2A-Version", "1.0")));

            // An error before the completed task would have failed this future; after it, the SDK cancels its own
            // SSE request ("Request cancelled"), which is no failure of the agent's.
            Task task = finished.get(60, TimeUnit.SECONDS);

            String answer = task.artifacts().stream()
                    .flatMap(a -> a.parts().stream())
                    .filter(p -> p instanceof TextPart)
                    .map(p -> ((TextPart) p).text())
                    .reduce("", String::concat);
            assertThat(answer).isEqualTo("6 * 7 = 42");
            // The tool step streamed as a status update carries the calculator's own result.
            assertThat(events.stream()
                            .filter(e -> e instanceof TaskUpdateEvent u
                                    && u.getUpdateEvent() instanceof TaskStatusUpdateEvent s
                                    && s.status().message() != null)
                            .map(e -> ((TaskStatusUpdateEvent) ((TaskUpdateEvent) e).getUpdateEvent())
                                    .status()
                                    .message()
                                    .toString())
                            .toList())
                    .anySatisfy(step ->
                            assertThat(step).contains("calculator_evaluate").contains("42"));
            assertThat(events)
                    .anySatisfy(e -> assertThat(e)
                            .isInstanceOfSatisfying(
                                    TaskUpdateEvent.class,
                                    u -> assertThat(u.getUpdateEvent()).isInstanceOf(TaskArtifactUpdateEvent.class)));
        } finally {
            client.close();
        }
    }

    @Test
    void theAgentHandsAQuestionToAnotherAgentWhichAnswersItForTheSameUserThroughItsOwnTools() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/a2a"))
                        .header("Authorization", "Bearer " + clientKey)
                        .header("Content-Type", "application/json")
                        .header("A2A-Version", "1.0")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":7,"method":"SendMessage","params":{"message":{"messageId":"%s",
                         "role":"ROLE_USER","parts":[{"text":"a2a-delegate: ask the helper what 6*7 is"}]}}}""".formatted(UUID.randomUUID())))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode task = JSON.readTree(response.body()).get("result").get("task");
        assertThat(task.get("status").get("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
        JsonNode step = task.get("metadata").get("steps").get(0);
        assertThat(step.get("tool").asString()).isEqualTo("delegate_to_agent");
        assertThat(step.has("result")).as(step.toString()).isTrue();
        assertThat(step.get("result").get("agent").asString()).isEqualTo("helper-agent");
        assertThat(step.get("result").get("state").asString()).isEqualTo("TASK_STATE_COMPLETED");
        assertThat(step.get("result").get("answer").asString()).isEqualTo("6 * 7 = 42");

        // The helper answered for the user who asked the first agent: the conversation is theirs, and the helper's
        // own calculator call (for that user too) computed 42.
        HttpResponse<String> conversations = HTTP.send(
                HttpRequest.newBuilder(URI.create(helper.url() + "/api/v1/conversations"))
                        .header("Authorization", "Bearer " + clientKey)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(conversations.statusCode()).isEqualTo(200);
        JsonNode mine = JSON.readTree(conversations.body());
        assertThat(mine).hasSize(1);
        HttpResponse<String> conversation = HTTP.send(
                HttpRequest.newBuilder(URI.create(helper.url() + "/api/v1/conversations/"
                                + mine.get(0).get("id").asString()))
                        .header("Authorization", "Bearer " + clientKey)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(conversation.body()).contains("a2a-helper").contains("calculator_evaluate");
        JsonNode helperStep =
                JSON.readTree(conversation.body()).findValue("steps").get(0);
        assertThat(helperStep.get("result").get("result").asString()).isEqualTo("42");
    }

    private void stub(int priority, List<String> markers, String contentType, String body) {
        var request = post(urlEqualTo("/v1/chat/completions")).atPriority(priority);
        for (String marker : markers) {
            request = request.withRequestBody(containing(marker));
        }
        llm.stubFor(request.willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", contentType)
                .withBody(body)));
    }

    private static String completion(String message, String finishReason) {
        return "{\"id\":\"chatcmpl-a2a\",\"object\":\"chat.completion\",\"created\":1764000000,\"model\":\"gpt-test\","
                + "\"choices\":[{\"index\":0,\"message\":" + message + ",\"finish_reason\":\"" + finishReason + "\"}],"
                + "\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":10,\"total_tokens\":60}}";
    }

    private static String toolCallMessage(String name, String arguments) {
        return "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"" + name + "\",\"arguments\":" + JSON.writeValueAsString(arguments)
                + "}}]}";
    }

    private static String toolCall() {
        return data("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                        + "\"id\":\"call_a2a\",\"type\":\"function\",\"function\":{\"name\":\"calculator_evaluate\","
                        + "\"arguments\":\"{\\\"expression\\\":\\\"6*7\\\"}\"}}]},\"finish_reason\":null}")
                + data("{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}")
                + "data: [DONE]\n\n";
    }

    private static String answer() {
        return data("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"6 * 7 \"},\"finish_reason\":null}")
                + data("{\"index\":0,\"delta\":{\"content\":\"= 42\"},\"finish_reason\":null}")
                + data("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}")
                + "data: [DONE]\n\n";
    }

    private static String data(String choice) {
        return "data: {\"id\":\"chatcmpl-a2a\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
                + "\"model\":\"gpt-test\",\"choices\":[" + choice + "]}\n\n";
    }
}
