package io.agentforge.client;

import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.FunctionDescriptor;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Calls catalog functions on their tools: {@code POST {endpoint}/forge/functions/{name}} with the arguments as the
 * JSON body and the caller's key as {@code Authorization: Bearer}, round robin over the tool's UP instances from a
 * {@link DiscoveryCache}.
 *
 * <p>A connection failure or a 5xx moves the call on to the next instance (at most
 * {@link InvokerSettings#maxAttempts()} tries); each instance has a circuit breaker, so one that keeps failing is
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
    private final CircuitBreakerConfig breakerConfig;
    private final HttpClient http;
    private final JsonMapper mapper = HttpRegistryClient.mapper();
    private final Map<String, AtomicInteger> cursors = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();

    public FunctionInvoker(DiscoveryCache discovery, Clock clock) {
        this(discovery, InvokerSettings.defaults(), clock);
    }

    /** @param clock drives the circuit breakers' open duration */
    public FunctionInvoker(DiscoveryCache discovery, InvokerSettings settings, Clock clock) {
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.settings = Objects.requireNonNull(settings, "settings");
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
    }

    /**
     * Calls the function and returns its JSON result ({@code null} JSON node for an empty answer).
     *
     * @param arguments the JSON arguments; null sends {@code {}}
     * @param apiKey    the caller's key, sent as {@code Authorization: Bearer}; null sends none
     * @throws ToolInvocationException  the tool answered 4xx (not retried)
     * @throws ToolUnavailableException no instance could run the call
     */
    public JsonNode invoke(String function, JsonNode arguments, String apiKey) {
        if (function == null || !FunctionDescriptor.NAME.matcher(function).matches()) {
            throw new IllegalArgumentException("function must match " + FunctionDescriptor.NAME.pattern());
        }
        String service = discovery.serviceOf(function).orElseThrow(() -> new ToolUnavailableException(function,
                "No tool with an UP instance offers the function " + function, null));
        List<CatalogEndpoint> endpoints = discovery.endpoints(service);
        if (endpoints.isEmpty()) {
            throw new ToolUnavailableException(function, "Tool " + service + " has no UP instance", null);
        }
        byte[] body = mapper.writeValueAsBytes(arguments == null ? mapper.createObjectNode() : arguments);
        int start = Math.floorMod(cursors.computeIfAbsent(service, s -> new AtomicInteger()).getAndIncrement(),
                endpoints.size());
        List<String> outcomes = new ArrayList<>();
        Exception lastError = null;
        int attempts = 0;
        try {
            for (int i = 0; i < endpoints.size() && attempts < settings.maxAttempts(); i++) {
                CatalogEndpoint endpoint = endpoints.get((start + i) % endpoints.size());
                CircuitBreaker breaker = breaker(endpoint);
                if (!breaker.tryAcquirePermission()) {
                    outcomes.add(endpoint.instanceId() + ": circuit open");
                    continue;
                }
                attempts++;
                long started = breaker.getCurrentTimestamp();
                try {
                    HttpResponse<byte[]> response = http.send(request(endpoint, function, body, apiKey),
                            HttpResponse.BodyHandlers.ofByteArray());
                    long took = breaker.getCurrentTimestamp() - started;
                    int status = response.statusCode();
                    if (status >= 500) {
                        breaker.onError(took, breaker.getTimestampUnit(), new IOException("HTTP " + status));
                        outcomes.add(endpoint.instanceId() + ": HTTP " + status);
                        lastError = new ToolInvocationException(function, endpoint.instanceId(), problem(response));
                        continue;
                    }
                    breaker.onSuccess(took, breaker.getTimestampUnit());
                    if (status / 100 != 2) {
                        throw new ToolInvocationException(function, endpoint.instanceId(), problem(response));
                    }
                    return result(function, endpoint, response);
                } catch (HttpTimeoutException e) {
                    breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), e);
                    if (!(e instanceof HttpConnectTimeoutException)) {
                        throw new ToolUnavailableException(function, "Function " + function + " on "
                                + endpoint.instanceId() + " did not answer within " + settings.callTimeout()
                                + "; not retried because it may have run", e);
                    }
                    outcomes.add(endpoint.instanceId() + ": connect timeout");
                    lastError = e;
                } catch (IOException e) {
                    breaker.onError(breaker.getCurrentTimestamp() - started, breaker.getTimestampUnit(), e);
                    outcomes.add(endpoint.instanceId() + ": " + (e instanceof ConnectException ? "connection refused"
                            : e.getClass().getSimpleName()));
                    lastError = e;
                } catch (InterruptedException e) {
                    breaker.releasePermission();
                    Thread.currentThread().interrupt();
                    throw new ToolUnavailableException(function, "Interrupted while calling " + function, e);
                }
            }
        } finally {
            pruneBreakers();
        }
        log.debug("Function {} failed on every instance tried: {}", function, outcomes);
        throw new ToolUnavailableException(function, "No instance of " + service + " could run " + function + " ("
                + String.join("; ", outcomes) + ")", lastError);
    }

    /** {@link #invoke(String, JsonNode, String)} with the arguments as a map of JSON-compatible values. */
    public JsonNode invoke(String function, Map<String, ?> arguments, String apiKey) {
        return invoke(function, arguments == null ? null : (JsonNode) mapper.valueToTree(arguments), apiKey);
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

    private HttpRequest request(CatalogEndpoint endpoint, String function, byte[] body, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.endpoint() + FUNCTIONS_PATH + function))
                .timeout(settings.callTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, application/problem+json")
                .header("User-Agent", HttpRegistryClient.USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null && !apiKey.isBlank()) {
            request.header("Authorization", "Bearer " + apiKey.strip());
        }
        return request.build();
    }

    private JsonNode result(String function, CatalogEndpoint endpoint, HttpResponse<byte[]> response) {
        byte[] body = response.body();
        if (body == null || body.length == 0) {
            return mapper.nullNode();
        }
        try {
            return mapper.readTree(body);
        } catch (RuntimeException e) {
            throw new ToolInvocationException(function, endpoint.instanceId(), new Problem(response.statusCode(),
                    Problem.INVALID_RESPONSE, "Unreadable result", "The tool answered with a body that is not JSON: "
                    + Problem.abbreviate(e.getMessage())));
        }
    }

    private Problem problem(HttpResponse<byte[]> response) {
        return Problem.fromResponse(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
                response.body(), mapper);
    }

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
        discovery.catalog().services().forEach(s -> s.instances()
                .forEach(i -> live.add(i.instanceId() + " " + i.endpoint())));
        breakers.keySet().retainAll(live);
    }
}
