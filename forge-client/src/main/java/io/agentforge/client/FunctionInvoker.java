package io.agentforge.client;

import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.ServiceProtocol;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls catalog functions on their tools: {@code POST {endpoint}/forge/functions/{name}} with the arguments as the
 * JSON body, round robin over the tool's UP instances from a {@link DiscoveryCache}.
 *
 * <p>Every call carries {@code Authorization: Bearer <JWT>}, a token for the tool's service name from
 * {@link AccessTokens} (on behalf of the subject credential given, if any): no long-lived {@code af_} key is ever sent
 * to an endpoint found in the catalog. Each endpoint is checked by the {@link OutboundPolicy} before anything is sent
 * to it; redirects are not followed. Answers are streamed and read up to {@link InvokerSettings#maxResponseSize()}.
 *
 * <p>A connection failure, a 5xx or an endpoint the policy refuses moves the call on to the next instance (at most
 * {@link InvokerSettings#maxAttempts()} requests); each instance has a circuit breaker, so one that keeps failing is
 * skipped for a while. A 4xx is the caller's problem and surfaces at once as {@link ToolInvocationException}.
 * Thread-safe.
 */
public final class FunctionInvoker implements AutoCloseable {

    /** Path prefix of a tool's function endpoints. */
    public static final String FUNCTIONS_PATH = "/forge/functions/";

    private static final Logger log = LoggerFactory.getLogger(FunctionInvoker.class);
    private static final int PRUNE_ABOVE = 256;

    private final DiscoveryCache discovery;
    private final InvokerSettings settings;
    private final AccessTokens tokens;
    private final OutboundPolicy policy;
    private final CircuitBreakerConfig breakerConfig;
    private final HttpClient http;
    private final JsonMapper mapper = HttpRegistryClient.mapper();
    private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final ObservationRegistry observations;
    private final McpToolCall mcpCall;

    /**
     * @param tokens where the tokens for the tools come from, usually a {@link TokenExchanger}
     * @param policy which endpoints may be called
     * @param clock  drives the circuit breakers' open duration
     */
    public FunctionInvoker(
            DiscoveryCache discovery,
            InvokerSettings settings,
            AccessTokens tokens,
            OutboundPolicy policy,
            Clock clock) {
        this(discovery, settings, tokens, policy, clock, ObservationRegistry.NOOP);
    }

    /**
     * @param observations each request to an instance becomes an {@code agentforge.client.function.calls}
     *                     observation (function, service, instance, outcome): a client span carrying W3C trace headers
     *                     when tracing is on, a timer when metrics are
     */
    public FunctionInvoker(
            DiscoveryCache discovery,
            InvokerSettings settings,
            AccessTokens tokens,
            OutboundPolicy policy,
            Clock clock,
            ObservationRegistry observations) {
        this.observations = Objects.requireNonNull(observations, "observations");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.breakerWindow())
                .minimumNumberOfCalls(settings.breakerMinimumCalls())
                .failureRateThreshold(settings.breakerFailureRate())
                .waitDurationInOpenState(settings.breakerOpenDuration())
                .permittedNumberOfCallsInHalfOpenState(1)
                .writableStackTraceEnabled(false)
                .clock(Objects.requireNonNull(clock, "clock"))
                .build();
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.mcpCall = new McpToolCall(http, mapper, settings.callTimeout(), settings.maxResponseSize());
    }

    /**
     * Calls the function and returns its JSON result ({@code null} JSON node for an empty answer).
     *
     * @param arguments         the JSON arguments; null sends {@code {}}
     * @param subjectCredential the end user's credential ({@code af_} key or JWT) the call is made on behalf of; it
     *                          is exchanged for a token and never sent to the tool. Null: the caller acts for itself
     * @throws ToolInvocationException  the tool answered 4xx (not retried), or an answer larger than
     *                                  {@link InvokerSettings#maxResponseSize()}
     * @throws ToolUnavailableException no instance could run the call, no token could be had (the cause is then the
     *                                  {@link RegistryException}), or the policy refused every endpoint
     */
    public JsonNode invoke(String function, @Nullable JsonNode arguments, @Nullable String subjectCredential) {
        if (function == null || !FunctionDescriptor.NAME.matcher(function).matches()) {
            throw new IllegalArgumentException("function must match " + FunctionDescriptor.NAME.pattern());
        }
        String service = discovery
                .serviceOf(function)
                .orElseThrow(() -> new ToolUnavailableException(
                        function, "No tool with an UP instance offers the function " + function, null));
        List<CatalogEndpoint> endpoints = discovery.endpoints(service);
        if (endpoints.isEmpty()) {
            throw new ToolUnavailableException(function, "Tool " + service + " has no UP instance", null);
        }
        JsonNode argumentsNode = arguments == null ? mapper.createObjectNode() : arguments;
        byte[] body = mapper.writeValueAsBytes(argumentsNode);
        // Fetched for the first forge instance tried: an MCP server gets no token, so none is exchanged for it.
        String token = null;
        int start = Math.floorMod(
                cursors.computeIfAbsent(service, s -> new AtomicInteger()).getAndIncrement(), endpoints.size());
        List<String> outcomes = new ArrayList<>();
        Exception lastError = null;
        int attempts = 0;
        // The caller's own observation (the agent's execute_tool span) learns which instance ran the call, and after
        // how many attempts: failover shows there without opening the per-attempt spans.
        Observation caller = observations.getCurrentObservation();
        String lastInstance = null;
        try {
            for (int i = 0; i < endpoints.size() && attempts < settings.maxAttempts(); i++) {
                CatalogEndpoint endpoint = endpoints.get((start + i) % endpoints.size());
                boolean mcp = endpoint.protocol() == ServiceProtocol.MCP;
                URI uri;
                try {
                    uri = URI.create(mcp ? endpoint.endpoint() : endpoint.endpoint() + FUNCTIONS_PATH + function);
                    policy.check(uri);
                } catch (EndpointRefusedException e) {
                    outcomes.add(endpoint.instanceId() + ": " + e.getMessage());
                    lastError = e;
                    continue;
                } catch (IllegalArgumentException e) {
                    outcomes.add(endpoint.instanceId() + ": endpoint is not a URL");
                    lastError = e;
                    continue;
                }
                if (!mcp && token == null) {
                    token = token(function, service, subjectCredential);
                }
                CircuitBreaker breaker = breaker(endpoint);
                if (!breaker.tryAcquirePermission()) {
                    outcomes.add(endpoint.instanceId() + ": circuit open");
                    continue;
                }
                attempts++;
                lastInstance = endpoint.instanceId();
                if (mcp) {
                    try {
                        return callMcp(function, service, endpoint, uri, argumentsNode, breaker, attempts);
                    } catch (McpToolCall.Failure e) {
                        outcomes.add(endpoint.instanceId() + ": " + e.problem.detail());
                        lastError = new ToolInvocationException(function, endpoint.instanceId(), e.problem);
                        continue;
                    }
                }
                long started = breaker.getCurrentTimestamp();
                HttpRequest.Builder request = request(uri, body, token);
                Observation observation = HttpObservations.start(
                        observations,
                        "agentforge.client.function.calls",
                        "invoke " + function,
                        request,
                        service,
                        KeyValues.of("function", function, "service", service, "instance", endpoint.instanceId()));
                observation.highCardinalityKeyValue("agentforge.attempt", Integer.toString(attempts));
                String outcome = "IO_ERROR";
                try {
                    HttpResponse<InputStream> response =
                            http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
                    Answer answer = read(response);
                    long took = breaker.getCurrentTimestamp() - started;
                    int status = answer.status();
                    outcome = status >= 500 ? "SERVER_ERROR" : status / 100 == 2 ? "SUCCESS" : "CLIENT_ERROR";
                    observation.highCardinalityKeyValue("http.response.status_code", Integer.toString(status));
                    if (status >= 500) {
                        breaker.onError(took, breaker.getTimestampUnit(), new IOException("HTTP " + status));
                        outcomes.add(endpoint.instanceId() + ": HTTP " + status);
                        lastError = new ToolInvocationException(function, endpoint.instanceId(), problem(answer));
                        continue;
                    }
                    breaker.onSuccess(took, breaker.getTimestampUnit());
                    if (status / 100 != 2) {
                        throw new ToolInvocationException(function, endpoint.instanceId(), problem(answer));
                    }
                    if (answer.truncated()) {
                        throw new ToolInvocationException(
                                function,
                                endpoint.instanceId(),
                                new Problem(
                                        status,
                                        Problem.RESPONSE_TOO_LARGE,
                                        "Response too large",
                                        "The answer of " + function + " is larger than the limit of "
                                                + settings.maxResponseSize() + " bytes"));
                    }
                    return result(function, endpoint, answer);
                } catch (HttpTimeoutException e) {
                    outcome = "TIMEOUT";
                    observation.error(e);
                    breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), e);
                    if (!(e instanceof HttpConnectTimeoutException)) {
                        throw new ToolUnavailableException(
                                function,
                                "Function " + function + " on "
                                        + endpoint.instanceId() + " did not answer within " + settings.callTimeout()
                                        + "; not retried because it may have run",
                                e);
                    }
                    outcomes.add(endpoint.instanceId() + ": connect timeout");
                    lastError = e;
                } catch (IOException e) {
                    observation.error(e);
                    breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), e);
                    outcomes.add(endpoint.instanceId() + ": "
                            + (e instanceof ConnectException
                                    ? "connection refused"
                                    : e.getClass().getSimpleName()));
                    lastError = e;
                } catch (InterruptedException e) {
                    observation.error(e);
                    breaker.releasePermission();
                    Thread.currentThread().interrupt();
                    throw new ToolUnavailableException(function, "Interrupted while calling " + function, e);
                } finally {
                    observation.lowCardinalityKeyValue("outcome", outcome).stop();
                }
            }
        } finally {
            pruneBreakers();
            if (caller != null && lastInstance != null) {
                caller.highCardinalityKeyValue("agentforge.tool.instance", lastInstance)
                        .highCardinalityKeyValue("agentforge.tool.attempts", Integer.toString(attempts));
            }
        }
        log.debug("Function {} failed on every instance tried: {}", function, outcomes);
        throw new ToolUnavailableException(
                function,
                "No instance of " + service + " could run " + function + " (" + String.join("; ", outcomes) + ")",
                lastError);
    }

    /**
     * One MCP attempt; returns the result, throws what ends the call, or a {@link McpToolCall.Failure} (already
     * counted by the breaker) when the next instance should be tried.
     */
    private JsonNode callMcp(
            String function,
            String service,
            CatalogEndpoint endpoint,
            URI uri,
            JsonNode arguments,
            CircuitBreaker breaker,
            int attempt)
            throws McpToolCall.Failure {
        String tool = discovery
                .function(function)
                .map(CatalogFunction::mcpName)
                .filter(name -> name != null)
                .orElse(function);
        HttpRequest.Builder carrier = HttpRequest.newBuilder(uri);
        Observation observation = HttpObservations.start(
                observations,
                "agentforge.client.function.calls",
                "invoke " + function,
                carrier,
                service,
                KeyValues.of("function", function, "service", service, "instance", endpoint.instanceId()));
        observation.highCardinalityKeyValue("agentforge.attempt", Integer.toString(attempt));
        String outcome = "IO_ERROR";
        long started = breaker.getCurrentTimestamp();
        try {
            JsonNode result =
                    mcpCall.call(uri, tool, arguments, carrier.build().headers().map());
            breaker.onSuccess(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit());
            outcome = "SUCCESS";
            return result;
        } catch (McpToolCall.Failure e) {
            long took = breaker.getCurrentTimestamp() - started;
            switch (e.next) {
                case CALLER -> {
                    breaker.onSuccess(took, breaker.getTimestampUnit());
                    outcome = "CLIENT_ERROR";
                    throw new ToolInvocationException(function, endpoint.instanceId(), e.problem);
                }
                case STOP -> {
                    breaker.onError(took, breaker.getTimestampUnit(), e);
                    outcome = "TIMEOUT";
                    throw new ToolUnavailableException(
                            function,
                            "Function " + function + " on " + endpoint.instanceId() + ": " + e.problem.detail()
                                    + "; not retried because it may have run",
                            e);
                }
                default -> {
                    breaker.onError(took, breaker.getTimestampUnit(), e);
                    outcome = e.problem.status() >= 500 ? "SERVER_ERROR" : "IO_ERROR";
                    observation.error(e);
                    throw e;
                }
            }
        } catch (InterruptedException e) {
            observation.error(e);
            breaker.releasePermission();
            Thread.currentThread().interrupt();
            throw new ToolUnavailableException(function, "Interrupted while calling " + function, e);
        } finally {
            observation.lowCardinalityKeyValue("outcome", outcome).stop();
        }
    }

    /** {@link #invoke(String, JsonNode, String)} with the arguments as a map of JSON-compatible values. */
    public JsonNode invoke(String function, @Nullable Map<String, ?> arguments, @Nullable String subjectCredential) {
        return invoke(function, arguments == null ? null : (JsonNode) mapper.valueToTree(arguments), subjectCredential);
    }

    /** The circuit state of an instance, empty when it was never called. */
    public Optional<CircuitBreaker.State> circuitState(String instanceId) {
        return breakers.entrySet().stream()
                .filter(e -> e.getKey().startsWith(instanceId + " "))
                .map(e -> e.getValue().getState())
                .findFirst();
    }

    @Override
    public void close() {
        http.close();
    }

    private String token(String function, String service, @Nullable String subjectCredential) {
        String token;
        try {
            token = tokens.token(service, subjectCredential);
        } catch (RegistryException e) {
            throw new ToolUnavailableException(
                    function, "No token for calling " + service + " could be had: " + e.problem(), e);
        }
        if (token == null || token.isBlank() || token.strip().startsWith("af_")) {
            // The whole point of tokens: a long-lived key must never reach an endpoint found in the catalog.
            throw new ToolUnavailableException(
                    function,
                    "The token source gave no JWT for " + service
                            + "; refusing to send a long-lived key or nothing to a tool",
                    null);
        }
        return token.strip();
    }

    private HttpRequest.Builder request(URI uri, byte[] body, String token) {
        return HttpRequest.newBuilder(uri)
                .timeout(settings.callTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", HttpRegistryClient.USER_AGENT)
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    /** Reads at most {@code maxResponseSize} bytes of the answer, and closes it. */
    private Answer read(HttpResponse<InputStream> response) throws IOException {
        int limit = settings.maxResponseSize();
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        String contentType = response.headers().firstValue("Content-Type").orElse(null);
        try (InputStream in = response.body()) {
            if (declared > limit && response.statusCode() / 100 == 2) {
                // Don't read what will be refused anyway; closing the stream drops the connection.
                return new Answer(response.statusCode(), contentType, new byte[0], true);
            }
            byte[] bytes = in.readNBytes(limit + 1);
            boolean truncated = bytes.length > limit;
            return new Answer(
                    response.statusCode(), contentType, truncated ? Arrays.copyOf(bytes, limit) : bytes, truncated);
        }
    }

    private JsonNode result(String function, CatalogEndpoint endpoint, Answer answer) {
        byte[] body = answer.body();
        if (body.length == 0) {
            return mapper.nullNode();
        }
        try {
            return mapper.readTree(body);
        } catch (RuntimeException e) {
            throw new ToolInvocationException(
                    function,
                    endpoint.instanceId(),
                    new Problem(
                            answer.status(),
                            Problem.INVALID_RESPONSE,
                            "Unreadable result",
                            "The tool answered with a body that is not JSON: " + Problem.abbreviate(e.getMessage())));
        }
    }

    private Problem problem(Answer answer) {
        return Problem.fromResponse(answer.status(), answer.contentType(), answer.body(), mapper);
    }

    /** A tool's answer, read up to the size limit. */
    private record Answer(int status, @Nullable String contentType, byte[] body, boolean truncated) {}

    private CircuitBreaker breaker(CatalogEndpoint endpoint) {
        String key = endpoint.instanceId() + " " + endpoint.endpoint();
        return breakers.computeIfAbsent(key, k -> CircuitBreaker.of(k, breakerConfig));
    }

    // Instances come and go (generated ids): forget the breakers of those no longer in the catalog.
    private void pruneBreakers() {
        if (breakers.size() <= PRUNE_ABOVE) {
            return;
        }
        Set<String> live = new HashSet<>();
        discovery
                .catalog()
                .services()
                .forEach(s -> s.instances().forEach(i -> live.add(i.instanceId() + " " + i.endpoint())));
        breakers.keySet().retainAll(live);
    }
}
