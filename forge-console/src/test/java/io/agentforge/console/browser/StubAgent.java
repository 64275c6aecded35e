package io.agentforge.console.browser;

import com.sun.net.httpserver.HttpExchange;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agent speaking the chat API: it "calls" {@code calculator_evaluate}, then streams a Markdown answer that also
 * tries to inject script, the way a prompt-injected model might.
 */
final class StubAgent extends StubServer {

    static final String ANSWER = "The answer is **42**.\n\n<script>alert('injected')</script>"
            + "<img src=x onerror=\"alert('injected')\">\n\n_Answered by the offline model (no LLM configured)._";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final Map<String, Map<String, Object>> conversations = new ConcurrentHashMap<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<JsonNode> questions = new CopyOnWriteArrayList<>();

    StubAgent() {
        server.createContext("/api/v1/chat/stream", this::stream);
        server.createContext("/api/v1/conversations", this::conversations);
    }

    /** The Authorization header of every request the agent received (null for none), oldest first. */
    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    /** The request bodies of the chat streams, oldest first. */
    List<JsonNode> questions() {
        return List.copyOf(questions);
    }

    ServiceRegistration registration() {
        return new ServiceRegistration(
                "helper-1",
                "helper",
                ServiceKind.AGENT,
                "1.0.0",
                "Answers questions",
                endpoint(),
                List.of(),
                Map.of("chat", endpoint() + "/api/v1/chat", "stream", endpoint() + "/api/v1/chat/stream"),
                List.of(),
                new HealthCheck("/actuator/health", Duration.ofSeconds(5)),
                Duration.ofHours(1));
    }

    private void stream(HttpExchange exchange) throws IOException {
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        JsonNode request = MAPPER.readTree(body(exchange));
        questions.add(request);
        String question = request.path("message").asString();
        String id = request.path("conversationId").asString(UUID.randomUUID().toString());
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("tool", "calculator_evaluate");
        step.put("arguments", Map.of("expression", "6 * 7"));
        step.put("result", null);
        step.put("error", null);
        step.put("durationMs", 0);
        try (OutputStream out = exchange.getResponseBody()) {
            send(out, "step", Map.of("id", "call_1", "phase", "started", "step", step));
            step.put("result", Map.of("result", "42"));
            step.put("durationMs", 3);
            send(out, "step", Map.of("id", "call_1", "phase", "finished", "step", step));
            for (int i = 0; i < ANSWER.length(); i += 16) {
                send(out, "delta", Map.of("text", ANSWER.substring(i, Math.min(ANSWER.length(), i + 16))));
            }
            Instant now = Instant.now();
            Map<String, Object> conversation = conversations.computeIfAbsent(id, key -> {
                Map<String, Object> created = new ConcurrentHashMap<>();
                created.put("id", key);
                created.put("owner", "console");
                created.put("title", question.length() > 40 ? question.substring(0, 40) : question);
                created.put("createdAt", now.toString());
                created.put("turns", new CopyOnWriteArrayList<>());
                return created;
            });
            conversation.put("updatedAt", now.toString());
            @SuppressWarnings("unchecked")
            List<Object> turns = (List<Object>) conversation.get("turns");
            turns.add(Map.of("question", question, "answer", ANSWER, "steps", List.of(step), "at", now.toString()));
            send(
                    out,
                    "done",
                    Map.of(
                            "conversationId",
                            id,
                            "answer",
                            ANSWER,
                            "steps",
                            List.of(step),
                            "model",
                            "offline",
                            "usage",
                            Map.of("promptTokens", 0, "completionTokens", 0, "totalTokens", 0),
                            "durationMs",
                            12));
        }
    }

    private void conversations(HttpExchange exchange) throws IOException {
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/api/v1/conversations")) {
            List<Map<String, Object>> summaries = new ArrayList<>();
            conversations
                    .values()
                    .forEach(c -> summaries.add(Map.of(
                            "id",
                            c.get("id"),
                            "title",
                            c.get("title"),
                            "createdAt",
                            c.get("createdAt"),
                            "updatedAt",
                            c.getOrDefault("updatedAt", c.get("createdAt")),
                            "turns",
                            ((List<?>) c.get("turns")).size())));
            respond(exchange, 200, "application/json", MAPPER.writeValueAsString(summaries));
            return;
        }
        Map<String, Object> conversation = conversations.get(path.substring(path.lastIndexOf('/') + 1));
        if (conversation == null) {
            respond(exchange, 404, "application/problem+json", "{\"title\":\"Not Found\",\"status\":404}");
            return;
        }
        respond(exchange, 200, "application/json", MAPPER.writeValueAsString(conversation));
    }

    private static void send(OutputStream out, String event, Object data) throws IOException {
        out.write(("event:" + event + "\ndata:" + MAPPER.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
