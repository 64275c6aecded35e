package io.agentforge.console.chat;

import io.agentforge.client.HttpObservations;
import io.agentforge.client.Problem;
import io.agentforge.client.SseParser;
import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.registry.api.Texts;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@link AgentGateway} over HTTP with the JDK client; reads the agent's server-sent events with {@link SseParser}. */
@Component
class HttpAgentGateway implements AgentGateway {

    static final String USER_AGENT = "agent-forge-console";
    private static final int MAX_ERROR_BODY = 64 * 1024;
    /** Largest event the relay accepts from an agent (the agent caps tool results and messages far below this). */
    static final int MAX_EVENT_CHARS = 4 * 1024 * 1024;

    private static final TypeReference<List<Conversations.Summary>> SUMMARIES = new TypeReference<>() {};

    private final HttpClient http;
    private final Duration timeout;
    private final ObservationRegistry observations;
    private final JsonMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    HttpAgentGateway(ConsoleProperties properties) {
        this(properties, ObservationRegistry.NOOP);
    }

    @Autowired
    HttpAgentGateway(ConsoleProperties properties, ObjectProvider<ObservationRegistry> observations) {
        this(properties, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    HttpAgentGateway(ConsoleProperties properties, ObservationRegistry observations) {
        this.observations = observations;
        this.timeout = properties.console().agentTimeout();
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public void stream(AgentTarget agent, ChatCommand command, String credential, Events events) {
        ObjectNode body = mapper.createObjectNode();
        body.put("message", command.message());
        if (command.conversationId() != null) {
            body.put("conversationId", command.conversationId());
        }
        ObjectNode options = mapper.createObjectNode();
        if (command.model() != null) {
            options.put("model", command.model());
        }
        if (command.temperature() != null) {
            options.put("temperature", command.temperature());
        }
        if (command.maxSteps() != null) {
            options.put("maxSteps", command.maxSteps());
        }
        if (!options.isEmpty()) {
            body.set("options", options);
        }
        HttpRequest.Builder builder = request(agent.resolve("/api/v1/chat/stream"), credential)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream, application/problem+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
        // The whole streamed answer is one client span; its context goes to the agent as traceparent.
        Observation observation = HttpObservations.start(
                observations,
                "agentforge.console.agent.requests",
                "chat stream",
                builder,
                "agent",
                KeyValues.of("operation", "chat_stream"));
        try (Observation.Scope scope = observation.openScope()) {
            stream(agent, builder.build(), events);
        } catch (RuntimeException e) {
            observation.error(e);
            throw e;
        } finally {
            observation.stop();
        }
    }

    private void stream(AgentTarget agent, HttpRequest request, Events events) {
        HttpResponse<InputStream> response = send(agent, request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            events.opened(in);
            if (response.statusCode() != 200) {
                throw refused(
                        agent,
                        response.statusCode(),
                        contentType(response),
                        in.readNBytes(MAX_ERROR_BODY),
                        retryAfter(response));
            }
            if (!contentType(response).toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                throw new AgentException(new Problem(
                        502,
                        AgentException.BROKEN_STREAM,
                        "Not a stream",
                        "The agent at " + agent.baseUrl() + " answered with " + contentType(response)
                                + " instead of an event stream"));
            }
            if (!read(agent, in, events)) {
                throw new AgentException(new Problem(
                        502,
                        AgentException.BROKEN_STREAM,
                        "Answer cut short",
                        "The agent at " + agent.baseUrl() + " closed the stream before finishing its answer"));
            }
        } catch (IOException e) {
            throw new AgentException(
                    new Problem(
                            502,
                            AgentException.BROKEN_STREAM,
                            "Answer cut short",
                            "The connection to the agent at " + agent.baseUrl() + " broke: " + reason(e)),
                    null,
                    e);
        }
    }

    /** Dispatches events until the stream ends; true when it ended with {@code done} or {@code error}. */
    private boolean read(AgentTarget agent, InputStream in, Events events) throws IOException {
        SseParser parser =
                new SseParser(event -> events.on(event.event(), parse(agent, event.data())), MAX_EVENT_CHARS);
        try {
            // The answer is complete at done or error: stop there even if the agent keeps the connection open.
            return parser.read(
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)),
                    event -> event.event().equals("done") || event.event().equals("error"));
        } catch (SseParser.EventTooLargeException e) {
            throw new AgentException(
                    new Problem(
                            502,
                            AgentException.BROKEN_STREAM,
                            "Answer too large",
                            "The agent at " + agent.baseUrl() + " sent an event of more than " + MAX_EVENT_CHARS
                                    + " characters"),
                    null,
                    e);
        }
    }

    private JsonNode parse(AgentTarget agent, String data) {
        try {
            return mapper.readTree(data);
        } catch (JacksonException e) {
            throw new AgentException(
                    new Problem(
                            502,
                            AgentException.BROKEN_STREAM,
                            "Unreadable answer",
                            "The agent at " + agent.baseUrl() + " sent an event that is not JSON"),
                    null,
                    e);
        }
    }

    @Override
    public List<Conversations.Summary> conversations(AgentTarget agent, String credential) {
        HttpResponse<byte[]> response = get(agent, agent.resolve("/api/v1/conversations"), credential);
        if (response.statusCode() != 200) {
            throw refused(agent, response.statusCode(), contentType(response), response.body(), retryAfter(response));
        }
        return readBody(agent, response.body(), SUMMARIES);
    }

    @Override
    public Optional<Conversations.Conversation> conversation(AgentTarget agent, String id, String credential) {
        if (!ChatCommand.CONVERSATION_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        HttpResponse<byte[]> response = get(agent, agent.resolve("/api/v1/conversations/" + id), credential);
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            throw refused(agent, response.statusCode(), contentType(response), response.body(), retryAfter(response));
        }
        return Optional.of(readBody(agent, response.body(), new TypeReference<Conversations.Conversation>() {}));
    }

    private HttpResponse<byte[]> get(AgentTarget agent, URI uri, String credential) {
        return send(
                agent,
                request(uri, credential)
                        .header("Accept", "application/json, application/problem+json")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> T readBody(AgentTarget agent, byte[] body, TypeReference<T> type) {
        try {
            return mapper.readValue(body, type);
        } catch (JacksonException e) {
            throw new AgentException(
                    new Problem(
                            502,
                            Problem.INVALID_RESPONSE,
                            "Unreadable answer",
                            "The agent at " + agent.baseUrl() + " answered with a body that is not the expected JSON"),
                    null,
                    e);
        }
    }

    private HttpRequest.Builder request(URI uri, String credential) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", USER_AGENT);
        if (credential != null && !credential.isBlank()) {
            builder.header("Authorization", "Bearer " + credential);
        }
        return builder;
    }

    private <T> HttpResponse<T> send(AgentTarget agent, HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new AgentException(
                    new Problem(
                            0,
                            AgentException.UNREACHABLE,
                            "Agent unreachable",
                            "The agent at " + agent.baseUrl() + " can't be reached (" + reason(e) + ")"),
                    null,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentException(
                    new Problem(
                            0, AgentException.UNREACHABLE, "Interrupted", "Interrupted while waiting for the agent"),
                    null,
                    e);
        }
    }

    private AgentException refused(
            AgentTarget agent, int status, String contentType, byte[] body, Duration retryAfter) {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        Problem problem = null;
        if (contentType.toLowerCase(Locale.ROOT).contains("json") && !text.isBlank()) {
            try {
                JsonNode node = mapper.readTree(text);
                if (node.isObject()) {
                    problem = new Problem(
                            status,
                            uri(node.path("type").asString(null)),
                            node.path("title").asString(null),
                            node.path("detail").asString(null));
                }
            } catch (JacksonException e) {
                // Not JSON after all.
            }
        }
        if (problem == null) {
            problem = new Problem(
                    status,
                    null,
                    "HTTP " + status,
                    "The agent at " + agent.baseUrl() + " answered " + status
                            + (text.isBlank() ? "" : ": " + Texts.abbreviate(text.strip(), 300)));
        }
        return new AgentException(problem, retryAfter, null);
    }

    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers()
                .firstValue("Retry-After")
                .map(value -> {
                    try {
                        return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
                    } catch (NumberFormatException e) {
                        return null;
                    }
                })
                .orElse(null);
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElse("");
    }

    private static URI uri(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String reason(IOException e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }
}
