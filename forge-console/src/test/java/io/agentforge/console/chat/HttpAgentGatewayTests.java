package io.agentforge.console.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentforge.console.config.ConsoleProperties;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP side of talking to an agent, against a stub agent on loopback. */
class HttpAgentGatewayTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String KEY = "af_tester001_User-secret-0123456789abcdefgh";

    private HttpServer server;
    private final AtomicReference<String> requestBody = new AtomicReference<>();
    private final AtomicReference<String> authorization = new AtomicReference<>();
    private final HttpAgentGateway gateway = new HttpAgentGateway(new ConsoleProperties(new ConsoleProperties.Console(
            ConsoleProperties.AuthMode.API_KEY,
            null,
            null,
            null,
            Duration.ofSeconds(5),
            Duration.ofSeconds(10),
            60,
            new ConsoleProperties.Oidc(null, null, null, null),
            null)));

    @BeforeEach
    void startStubAgent() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.start();
    }

    @AfterEach
    void stopStubAgent() {
        server.stop(0);
    }

    private AgentTarget agent() {
        return new AgentTarget(
                "a-1",
                "a",
                "a",
                "",
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    private void answer(String path, int status, String contentType, Map<String, String> headers, String body) {
        server.createContext(path, exchange -> {
            requestBody.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            respond(exchange, status, contentType, headers, body);
        });
    }

    private static void respond(
            HttpExchange exchange, int status, String contentType, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void streamsTheAgentsEventsInOrderAndSendsTheQuestionWithTheCallersKey() {
        answer(
                "/api/v1/chat/stream",
                200,
                "text/event-stream",
                Map.of(),
                "event:step\ndata:{\"id\":\"call_1\",\"phase\":\"started\"}\n\n"
                        + ":heartbeat\n\n"
                        + "event: delta\ndata: {\"text\":\"Hel\"}\n\n"
                        + "event:delta\r\ndata:{\"text\":\"lo\\n\"}\r\n\r\n"
                        + "event:done\ndata:{\"answer\":\"Hello\",\ndata:\"conversationId\":\"c-1\"}\n\n");
        List<String> names = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();

        gateway.stream(agent(), new ChatCommand(null, "Say hello", "c-1", "gpt-4o", 0.5, 3), KEY, (name, node) -> {
            names.add(name);
            data.add(node);
        });

        assertThat(names).containsExactly("step", "delta", "delta", "done");
        assertThat(data.get(2).path("text").asString()).isEqualTo("lo\n");
        assertThat(data.get(3).path("conversationId").asString()).isEqualTo("c-1");
        assertThat(authorization.get()).isEqualTo("Bearer " + KEY);
        assertThat(MAPPER.readTree(requestBody.get()))
                .isEqualTo(MAPPER.readTree("{\"message\":\"Say hello\",\"conversationId\":\"c-1\","
                        + "\"options\":{\"model\":\"gpt-4o\",\"temperature\":0.5,\"maxSteps\":3}}"));
    }

    @Test
    void aRateLimitBeforeTheStreamCarriesTheProblemAndRetryAfter() {
        answer(
                "/api/v1/chat/stream",
                429,
                "application/problem+json",
                Map.of("Retry-After", "12"),
                "{\"type\":\"urn:agentforge:problem:rate-limited\",\"title\":\"Too Many Requests\",\"status\":429,"
                        + "\"detail\":\"20 questions a minute\"}");

        assertThatThrownBy(() -> gateway.stream(
                        agent(), new ChatCommand(null, "hi", null, null, null, null), KEY, (name, node) -> {}))
                .isInstanceOfSatisfying(AgentException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(429);
                    assertThat(e.problem().detail()).isEqualTo("20 questions a minute");
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(12));
                });
    }

    // The stub agent sends its events, then keeps the connection open until the test ends.
    private final CountDownLatch hangUp = new CountDownLatch(1);

    private void answerAndHold(String events) {
        server.createContext("/api/v1/chat/stream", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(events.getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                hangUp.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
    }

    @AfterEach
    void hangUp() {
        hangUp.countDown();
    }

    @Test
    void theRelayEndsWithTheDoneEventEvenIfTheAgentKeepsTheConnectionOpen() {
        answerAndHold("event:done\ndata:{\"answer\":\"Hi\"}\n\n");
        List<String> names = new ArrayList<>();

        // The bound only keeps a regression from hanging the build; it is not a speed requirement.
        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> gateway.stream(
                        agent(),
                        new ChatCommand(null, "hi", null, null, null, null),
                        KEY,
                        (name, node) -> names.add(name)));

        assertThat(names).containsExactly("done");
    }

    @Test
    void closingTheOpenedStreamEndsTheRelayWhileTheAgentIsSilent() {
        answerAndHold("event:step\ndata:{\"id\":\"call_1\",\"phase\":\"started\"}\n\n");
        AtomicReference<java.io.Closeable> opened = new AtomicReference<>();

        assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> assertThatThrownBy(() -> gateway.stream(
                                agent(),
                                new ChatCommand(null, "hi", null, null, null, null),
                                KEY,
                                new AgentGateway.Events() {
                                    @Override
                                    public void on(String event, JsonNode data) {
                                        // The browser leaves after the first event: close from elsewhere, as the
                                        // emitter hook does.
                                        Thread.ofVirtual().start(() -> {
                                            try {
                                                opened.get().close();
                                            } catch (IOException e) {
                                                throw new IllegalStateException(e);
                                            }
                                        });
                                    }

                                    @Override
                                    public void opened(java.io.Closeable stream) {
                                        opened.set(stream);
                                    }
                                }))
                        .isInstanceOfSatisfying(
                                AgentException.class,
                                e -> assertThat(e.problem().type()).isEqualTo(AgentException.BROKEN_STREAM)));
    }

    @Test
    void anEventLargerThanTheLimitIsRefusedInsteadOfBeingBuffered() {
        answer(
                "/api/v1/chat/stream",
                200,
                "text/event-stream",
                Map.of(),
                "event:delta\ndata:\"" + "x".repeat(HttpAgentGateway.MAX_EVENT_CHARS) + "\"\n\n");

        assertThatThrownBy(() -> gateway.stream(
                        agent(), new ChatCommand(null, "hi", null, null, null, null), KEY, (name, node) -> {}))
                .isInstanceOfSatisfying(
                        AgentException.class,
                        e -> assertThat(e.problem().title()).isEqualTo("Answer too large"));
    }

    @Test
    void aStreamThatEndsBeforeTheAnswerIsReportedCutShort() {
        answer("/api/v1/chat/stream", 200, "text/event-stream", Map.of(), "event:delta\ndata:{\"text\":\"Hal\"}\n\n");

        assertThatThrownBy(() -> gateway.stream(
                        agent(), new ChatCommand(null, "hi", null, null, null, null), KEY, (name, node) -> {}))
                .isInstanceOfSatisfying(
                        AgentException.class,
                        e -> assertThat(e.problem().type()).isEqualTo(AgentException.BROKEN_STREAM));
    }

    @Test
    void anAgentThatIsNotListeningIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        AgentTarget gone = new AgentTarget("a-1", "a", "a", "", URI.create("http://127.0.0.1:" + closedPort));

        assertThatThrownBy(() -> gateway.conversations(gone, KEY)).isInstanceOfSatisfying(AgentException.class, e -> {
            assertThat(e.problem().type()).isEqualTo(AgentException.UNREACHABLE);
            assertThat(e.problem().detail()).contains("http://127.0.0.1:" + closedPort);
        });
    }

    @Test
    void readsTheCallersConversationsAndOneOfThem() {
        answer(
                "/api/v1/conversations",
                200,
                "application/json",
                Map.of(),
                "[{\"id\":\"c-1\",\"title\":\"Sums\",\"createdAt\":\"2026-11-25T10:00:00Z\","
                        + "\"updatedAt\":\"2026-11-25T10:05:00Z\",\"turns\":2,\"extra\":true}]");
        server.createContext(
                "/api/v1/conversations/c-1",
                exchange -> respond(
                        exchange,
                        200,
                        "application/json",
                        Map.of(),
                        "{\"id\":\"c-1\",\"owner\":\"k\",\"title\":\"Sums\",\"turns\":[{\"question\":\"1+1?\","
                                + "\"answer\":\"2\",\"steps\":[{\"tool\":\"calculator_add\",\"arguments\":{\"a\":1,\"b\":1},"
                                + "\"result\":{\"result\":\"2\"},\"error\":null,\"durationMs\":2}],"
                                + "\"at\":\"2026-11-25T10:05:00Z\"}]}"));
        server.createContext(
                "/api/v1/conversations/c-404",
                exchange -> respond(
                        exchange,
                        404,
                        "application/problem+json",
                        Map.of(),
                        "{\"title\":\"Not Found\",\"status\":404}"));

        assertThat(gateway.conversations(agent(), KEY))
                .singleElement()
                .satisfies(summary -> assertThat(summary.turns()).isEqualTo(2));
        assertThat(gateway.conversation(agent(), "c-1", KEY))
                .hasValueSatisfying(conversation -> assertThat(conversation
                                .turns()
                                .getFirst()
                                .steps()
                                .getFirst()
                                .result()
                                .path("result")
                                .asString())
                        .isEqualTo("2"));
        assertThat(gateway.conversation(agent(), "c-404", KEY)).isEmpty();
        assertThat(gateway.conversation(agent(), "../../admin", KEY)).isEmpty();
    }
}
