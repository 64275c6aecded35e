package io.agentforge.agent.tooling;

import io.agentforge.client.AccessTokens;
import io.agentforge.client.EndpointRefusedException;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code delegate_to_agent}: hands a question to another agent registered with the platform, over A2A 1.0
 * ({@code SendMessage} on the endpoint its registration names in the {@code a2a} metadata), and gives the model that
 * agent's answer. The other agent is called for the same end user as every tool call (a registry token for its
 * service name, exchanged with the user's credential as subject), never with this agent's key. A chain of
 * delegations is bounded: the depth travels in the message metadata, and a question that already passed through
 * {@code maxDepth} agents, or a call to this agent itself, is refused with an error the model reads.
 */
public final class AgentDelegation implements ToolCallback {

    public static final String NAME = "delegate_to_agent";
    /** Message metadata key: how many agents handed the message on before it reached the receiving agent. */
    public static final String DEPTH_METADATA = "agentforge/delegation-depth";
    /** Registration metadata key naming an agent's A2A JSON-RPC path. */
    public static final String A2A_METADATA = "a2a";

    private static final Logger log = LoggerFactory.getLogger(AgentDelegation.class);
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private final String self;
    private final RegistryClient registry;
    private final AccessTokens tokens;
    private final OutboundPolicy policy;
    private final JsonMapper json;
    private final Clock clock;
    private final int maxDepth;
    private final Duration refresh;
    private final Duration timeout;
    private final HttpClient http;
    private final LongSupplier registryChanges;
    private volatile Peers peers = new Peers(Map.of(), Instant.MIN, Long.MIN_VALUE);

    /**
     * @param self     this agent's service name: never a delegation target
     * @param maxDepth delegations a question may have passed through and still be delegated once more
     * @param refresh  how long the list of agents is reused before the registry is asked again
     * @param timeout  one delegated question
     * @param registryChanges a counter of the registry's instance changes (the change feed's): a new value means an
     *                 agent may have come or gone, so the list is asked for again before the refresh is due
     */
    public AgentDelegation(
            String self,
            RegistryClient registry,
            AccessTokens tokens,
            OutboundPolicy policy,
            JsonMapper json,
            Clock clock,
            int maxDepth,
            Duration refresh,
            Duration timeout,
            LongSupplier registryChanges) {
        this.self = self;
        this.registry = registry;
        this.tokens = tokens;
        this.policy = policy;
        this.json = json;
        this.clock = clock;
        this.maxDepth = maxDepth;
        this.refresh = refresh;
        this.timeout = timeout;
        this.registryChanges = registryChanges;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Whether another agent speaking A2A is UP, so the function is worth offering. */
    public boolean available() {
        return !peers().agents().isEmpty();
    }

    @Override
    public ToolDefinition getToolDefinition() {
        Map<String, Peer> agents = peers().agents();
        StringBuilder description = new StringBuilder(
                "Hands a question to another agent of the platform and returns its answer. Use it when the question"
                        + " is about what another agent does better. Agents:");
        agents.values()
                .forEach(peer -> description
                        .append(" ")
                        .append(peer.name())
                        .append(" (")
                        .append(peer.description() == null ? "no description" : peer.description())
                        .append(");"));
        Map<String, Object> schema = Map.of(
                "type",
                "object",
                "properties",
                Map.of(
                        "agent",
                        Map.of(
                                "type",
                                "string",
                                "description",
                                "The agent's name",
                                "enum",
                                List.copyOf(agents.keySet())),
                        "message",
                        Map.of("type", "string", "description", "The question for that agent, self-contained")),
                "required",
                List.of("agent", "message"));
        return DefaultToolDefinition.builder()
                .name(NAME)
                .description(description.toString())
                .inputSchema(json.writeValueAsString(schema))
                .build();
    }

    /** Refused: a delegation is only made for someone ({@link #call(String, ToolContext)}). */
    @Override
    public String call(String arguments) {
        throw new IllegalStateException(NAME + " was called without saying for whom;"
                + " the agent never delegates in its own name for a user");
    }

    @Override
    public String call(String arguments, @Nullable ToolContext context) {
        if (context == null
                || !(context.getContext().get(RemoteToolCallback.ON_BEHALF_OF) instanceof OnBehalfOf onBehalfOf)) {
            return call(arguments);
        }
        JsonNode parsed = json.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        String agent = parsed.path("agent").asString("").strip();
        String message = parsed.path("message").asString("").strip();
        if (agent.isEmpty() || message.isEmpty()) {
            throw new IllegalArgumentException(NAME + " needs 'agent' (a name) and 'message' (the question)");
        }
        if (agent.equals(self)) {
            throw new IllegalArgumentException(
                    "Delegation refused: '" + agent + "' is this agent itself; answer the question yourself");
        }
        if (onBehalfOf.delegationDepth() >= maxDepth) {
            throw new IllegalStateException("Delegation refused: this question already passed through "
                    + onBehalfOf.delegationDepth() + " agent(s), the limit is " + maxDepth
                    + " (agentforge.agent.a2a.max-delegation-depth); answer it yourself");
        }
        Peer peer = peers().agents().get(agent);
        if (peer == null) {
            // The model may know of an agent this list has not seen yet: ask the registry once more before refusing.
            peer = fetchPeers().agents().get(agent);
        }
        if (peer == null) {
            throw new IllegalArgumentException("No agent '" + agent + "' is available. Available: "
                    + String.join(", ", peers().agents().keySet()));
        }
        String token = tokens.token(peer.name(), onBehalfOf.subjectCredential());
        byte[] body = json.writeValueAsBytes(request(message, onBehalfOf.delegationDepth() + 1));
        List<String> failures = new ArrayList<>();
        for (URI endpoint : peer.endpoints()) {
            try {
                policy.check(endpoint);
                return answer(peer.name(), send(endpoint, token, body));
            } catch (EndpointRefusedException e) {
                failures.add(endpoint + ": " + e.getMessage());
            } catch (IOException e) {
                failures.add(endpoint + ": " + e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for agent " + agent, e);
            }
        }
        throw new IllegalStateException("No instance of agent " + agent + " could be reached: " + failures);
    }

    private Map<String, Object> request(String message, int depth) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put(
                "message",
                Map.of(
                        "messageId",
                        UUID.randomUUID().toString(),
                        "role",
                        "ROLE_USER",
                        "parts",
                        List.of(Map.of("text", message))));
        params.put("metadata", Map.of(DEPTH_METADATA, depth));
        Map<String, Object> call = new LinkedHashMap<>();
        call.put("jsonrpc", "2.0");
        call.put("id", UUID.randomUUID().toString());
        call.put("method", "SendMessage");
        call.put("params", params);
        return call;
    }

    private JsonNode send(URI endpoint, String token, byte[] body) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(endpoint)
                        .timeout(timeout)
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .header("A2A-Version", "1.0")
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] answer = response.body() == null ? new byte[0] : response.body();
        if (answer.length > MAX_ANSWER_BYTES) {
            throw new IllegalStateException("The agent's answer is larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("The agent answered HTTP " + response.statusCode() + ": "
                    + abbreviate(new String(answer, java.nio.charset.StandardCharsets.UTF_8)));
        }
        return json.readTree(answer);
    }

    private String answer(String agent, JsonNode response) {
        JsonNode error = response.get("error");
        if (error != null && error.isObject()) {
            throw new IllegalStateException(
                    "Agent " + agent + " refused: " + error.path("message").asString("") + " (code "
                            + error.path("code").asInt() + ")");
        }
        JsonNode task = response.path("result").path("task");
        StringBuilder text = new StringBuilder();
        for (JsonNode artifact : task.path("artifacts")) {
            for (JsonNode part : artifact.path("parts")) {
                if (part.has("text")) {
                    text.append(part.get("text").asString());
                }
            }
        }
        String state = task.path("status").path("state").asString("");
        if (text.isEmpty()) {
            for (JsonNode part : task.path("status").path("message").path("parts")) {
                text.append(part.path("text").asString(""));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("agent", agent);
        result.put("state", state);
        result.put("answer", text.toString());
        result.put("taskId", task.path("id").asString(""));
        return json.writeValueAsString(result);
    }

    private Peers peers() {
        Peers current = peers;
        if (clock.instant().isBefore(current.fetched().plus(refresh))
                && current.changes() == registryChanges.getAsLong()) {
            return current;
        }
        return fetchPeers();
    }

    private Peers fetchPeers() {
        Peers current = peers;
        Instant now = clock.instant();
        // Read before asking: a change arriving during the request makes the next call ask again.
        long changes = registryChanges.getAsLong();
        try {
            Map<String, Peer> agents = new LinkedHashMap<>();
            for (RegisteredService service : registry.services(
                    ServiceQuery.all().withKind(ServiceKind.AGENT).withStatus(InstanceStatus.UP))) {
                if (service.name().equals(self)) {
                    continue;
                }
                List<URI> endpoints = new ArrayList<>();
                String description = null;
                for (Instance instance : service.instances()) {
                    String path = instance.metadata().get(A2A_METADATA);
                    if (instance.status() != InstanceStatus.UP || path == null || !path.startsWith("/")) {
                        continue;
                    }
                    try {
                        endpoints.add(URI.create(stripSlash(instance.endpoint()) + path));
                        description = description == null ? instance.description() : description;
                    } catch (IllegalArgumentException e) {
                        log.debug("Agent {} has an unusable endpoint: {}", service.name(), e.getMessage());
                    }
                }
                if (!endpoints.isEmpty()) {
                    agents.put(service.name(), new Peer(service.name(), description, List.copyOf(endpoints)));
                }
            }
            current = new Peers(Map.copyOf(agents), now, changes);
        } catch (RuntimeException e) {
            // The registry is away: keep the agents known so far, and ask again at the next refresh.
            log.debug("Could not list the registry's agents: {}", e.toString());
            current = new Peers(current.agents(), now, changes);
        }
        peers = current;
        return current;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 297) + "..." : text;
    }

    private record Peer(String name, @Nullable String description, List<URI> endpoints) {}

    private record Peers(Map<String, Peer> agents, Instant fetched, long changes) {}
}
