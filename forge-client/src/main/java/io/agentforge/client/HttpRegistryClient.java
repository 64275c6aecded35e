package io.agentforge.client;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.CatalogChanges;
import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.IntrospectionRequest;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceRegistration;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** {@link RegistryClient} over HTTP with the JDK {@link HttpClient}; thread-safe, meant to be shared. */
public final class HttpRegistryClient implements RegistryClient, AutoCloseable {

    static final String USER_AGENT = "agent-forge-client";
    /** One lease renewal in a hundred is observed (and traced if sampled); see {@code renewalSampling}. */
    public static final double DEFAULT_RENEWAL_SAMPLING = 0.01;

    private static final String JSON = "application/json";
    private static final String ACCEPT_JSON = "application/json, application/problem+json";
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final String EVENTS = "/api/v1/events";
    private static final TypeReference<List<RegisteredService>> SERVICES = new TypeReference<>() {};
    // One for every client of the process: a mapper is thread-safe, and its (de)serializer caches are per mapper,
    // so a process with thousands of clients (a load generator, a gateway) held thousands of copies.
    private static final JsonMapper SHARED_MAPPER = mapper();

    private final ForgeClientSettings settings;
    private final RegistryEndpoints endpoints;
    private final HttpClient http;
    private final boolean ownsHttp;
    private final JsonMapper mapper;
    private final ObservationRegistry observations;
    private final double renewalSampling;

    public HttpRegistryClient(ForgeClientSettings settings) {
        this(settings, ObservationRegistry.NOOP);
    }

    /**
     * @param observations each call but lease renewals becomes an {@code agentforge.registry.client.requests}
     *                     observation (a client span carrying W3C trace headers when tracing is on); renewals go out
     *                     marked "not sampled"
     */
    public HttpRegistryClient(ForgeClientSettings settings, ObservationRegistry observations) {
        this(settings, observations, DEFAULT_RENEWAL_SAMPLING);
    }

    /**
     * @param renewalSampling the share of lease renewals (0 to 1) that are observed like the other calls (an
     *                        {@code agentforge.registry.client.requests} observation with {@code operation=renew},
     *                        traced if this service's sampler keeps it); the others go out marked "not sampled"
     */
    public HttpRegistryClient(ForgeClientSettings settings, ObservationRegistry observations, double renewalSampling) {
        this(
                settings,
                HttpClient.newBuilder()
                        .connectTimeout(settings.connectTimeout())
                        .version(HttpClient.Version.HTTP_1_1)
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build(),
                true,
                observations,
                renewalSampling);
    }

    /** Uses a caller-owned {@link HttpClient}, which {@link #close()} leaves open. */
    public HttpRegistryClient(ForgeClientSettings settings, HttpClient http) {
        this(settings, http, false, ObservationRegistry.NOOP, DEFAULT_RENEWAL_SAMPLING);
    }

    private HttpRegistryClient(
            ForgeClientSettings settings,
            HttpClient http,
            boolean ownsHttp,
            ObservationRegistry observations,
            double renewalSampling) {
        if (!(renewalSampling >= 0 && renewalSampling <= 1)) {
            throw new IllegalArgumentException("renewalSampling must be between 0 and 1, was " + renewalSampling);
        }
        this.renewalSampling = renewalSampling;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.endpoints = new RegistryEndpoints(settings);
        this.http = Objects.requireNonNull(http, "http");
        this.ownsHttp = ownsHttp;
        this.mapper = SHARED_MAPPER;
        this.observations = Objects.requireNonNull(observations, "observations");
    }

    /** The wire mapper, tolerant of fields added by newer registries. */
    static JsonMapper mapper() {
        return ForgeJacksonModule.mapper()
                .rebuild()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
    }

    public ForgeClientSettings settings() {
        return settings;
    }

    @Override
    public Instance register(ServiceRegistration registration) {
        Objects.requireNonNull(registration, "registration");
        // Without an instance id a second replica would make a second instance: only never-sent requests move on.
        HttpResponse<byte[]> response = send(
                "register",
                registration.instanceId() != null,
                request("/api/v1/instances")
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(registration))));
        return read(expect(response, 200, 201), Instance.class);
    }

    @Override
    public Lease renew(String instanceId) {
        // Renewals every few seconds are not worth a trace each: all but a sampled few go out marked "not sampled".
        HttpRequest.Builder request =
                request("/api/v1/instances/" + validId(instanceId) + "/lease").PUT(HttpRequest.BodyPublishers.noBody());
        boolean observed = renewalSampling > 0 && ThreadLocalRandom.current().nextDouble() < renewalSampling;
        if (!observed) {
            request.header("traceparent", HttpObservations.unsampledTraceparent());
        }
        HttpResponse<byte[]> response = send(observed ? "renew" : null, true, request);
        if (response.statusCode() == 404) {
            throw new UnknownInstanceException(instanceId, problem(response));
        }
        return read(expect(response, 200), Lease.class);
    }

    @Override
    public boolean deregister(String instanceId) {
        HttpResponse<byte[]> response = send(
                "deregister",
                true,
                request("/api/v1/instances/" + validId(instanceId)).DELETE());
        if (response.statusCode() == 404) {
            return false;
        }
        expect(response, 204, 200);
        return true;
    }

    @Override
    public Optional<Instance> instance(String instanceId) {
        HttpResponse<byte[]> response = send(
                "instance",
                true,
                request("/api/v1/instances/" + validId(instanceId)).GET());
        if (response.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of(read(expect(response, 200), Instance.class));
    }

    @Override
    public List<RegisteredService> services(@Nullable ServiceQuery query) {
        HttpResponse<byte[]> response = send(
                "services",
                true,
                request("/api/v1/services" + (query == null ? "" : query.queryString()))
                        .GET());
        byte[] body = expect(response, 200).body();
        try {
            return mapper.readValue(body, SERVICES);
        } catch (RuntimeException e) {
            throw unreadable(response, e);
        }
    }

    @Override
    public CatalogResult catalog(@Nullable String etag) {
        HttpRequest.Builder request = request("/api/v1/catalog").GET();
        if (etag != null && !etag.isBlank()) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<byte[]> response = send("catalog", true, request);
        String currentEtag = response.headers().firstValue("ETag").orElse(null);
        if (response.statusCode() == 304) {
            long eventId = response.headers()
                    .firstValue("X-Forge-Event-Id")
                    .map(HttpRegistryClient::parseLong)
                    .orElse(-1L);
            return new CatalogResult.NotModified(currentEtag != null ? currentEtag : etag, eventId);
        }
        return new CatalogResult.Modified(read(expect(response, 200), Catalog.class), currentEtag);
    }

    @Override
    public CatalogChanges catalogChanges(long since) {
        if (since < 0) {
            throw new IllegalArgumentException("since must be a catalog event id (>= 0), got " + since);
        }
        HttpResponse<byte[]> response = send(
                "catalog changes",
                true,
                request("/api/v1/catalog/changes?since=" + since).GET());
        if (response.statusCode() == 404) {
            // A registry from before incremental catalog reads.
            throw new UnsupportedOperationException("The registry does not serve /api/v1/catalog/changes");
        }
        return read(expect(response, 200), CatalogChanges.class);
    }

    @Override
    public CatalogSearchResult searchFunctions(FunctionSearch search) {
        Objects.requireNonNull(search, "search");
        HttpResponse<byte[]> response = send(
                "catalog search",
                true,
                request("/api/v1/catalog/search" + search.queryString()).GET());
        return read(expect(response, 200), CatalogSearchResult.class);
    }

    @Override
    public RegistryStatus status() {
        return read(expect(send("status", true, request("/api/v1/status").GET()), 200), RegistryStatus.class);
    }

    @Override
    public IntrospectionResult introspect(String key) {
        byte[] body = mapper.writeValueAsBytes(new IntrospectionRequest(key));
        HttpResponse<byte[]> response = send(
                "introspect",
                true,
                request("/api/v1/auth/introspect")
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        return read(expect(response, 200), IntrospectionResult.class);
    }

    @Override
    public FeedSubscription subscribe(@Nullable OptionalLong after, ChangeFeedListener listener) {
        Objects.requireNonNull(listener, "listener");
        OptionalLong resume = after == null ? OptionalLong.empty() : after;
        // The request timeout only bounds the wait for the headers; the stream itself is unbounded.
        HttpRequest.Builder request =
                request(EVENTS).header("Accept", "text/event-stream").GET();
        resume.ifPresent(id -> request.header("Last-Event-ID", Long.toString(id)));
        HttpResponse<InputStream> response;
        try {
            response = endpoints.send(http, request, EVENTS, true, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unreachable("GET", EVENTS, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable("GET", EVENTS, e);
        }
        if (response.statusCode() != 200) {
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_ERROR_BODY);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw new RegistryException(Problem.fromResponse(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null),
                    body,
                    mapper));
        }
        return new SseSubscription(response.body(), listener, mapper, resume.orElse(-1)).start();
    }

    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }

    /** A request for the preferred replica; {@link #send} moves it to the others when that one does not answer. */
    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(ForgeClientSettings.resolve(endpoints.current(), pathAndQuery))
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + settings.apiKey())
                .header("Accept", ACCEPT_JSON)
                .header("User-Agent", USER_AGENT);
    }

    /**
     * @param operation  names the observation; null: not observed
     * @param idempotent whether a request that may have reached a replica can be sent to the next one
     */
    private HttpResponse<byte[]> send(@Nullable String operation, boolean idempotent, HttpRequest.Builder builder) {
        Observation observation = operation == null
                ? Observation.NOOP
                : HttpObservations.start(
                        observations,
                        "agentforge.registry.client.requests",
                        "registry " + operation,
                        builder,
                        "registry",
                        KeyValues.of("operation", operation));
        HttpRequest request = builder.build();
        String path = pathAndQuery(request.uri());
        try {
            HttpResponse<byte[]> response =
                    endpoints.send(http, builder, path, idempotent, HttpResponse.BodyHandlers.ofByteArray());
            observation.lowCardinalityKeyValue("status", Integer.toString(response.statusCode()));
            return response;
        } catch (IOException e) {
            observation.lowCardinalityKeyValue("status", "IO_ERROR").error(e);
            throw unreachable(request.method(), path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            observation.lowCardinalityKeyValue("status", "IO_ERROR").error(e);
            throw unreachable(request.method(), path, e);
        } finally {
            observation.stop();
        }
    }

    private RegistryUnreachableException unreachable(String method, String pathAndQuery, Exception e) {
        String reason = e instanceof InterruptedException
                ? "interrupted"
                : e.getMessage() == null
                        ? e.getClass().getSimpleName()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
        int query = pathAndQuery.indexOf('?');
        String path = query < 0 ? pathAndQuery : pathAndQuery.substring(0, query);
        String where = settings.registryUrls().size() == 1
                ? settings.registryUrl() + path
                : path + " at each of " + settings.registryUrls();
        return new RegistryUnreachableException(method + " " + where + " got no answer (" + reason + ")", e);
    }

    /** The part of a request URI after the registry's base URL. */
    private String pathAndQuery(URI uri) {
        String full = uri.toString();
        String base = endpoints.current().toString();
        if (full.startsWith(base)) {
            return full.substring(base.length());
        }
        for (URI candidate : settings.registryUrls()) {
            if (full.startsWith(candidate.toString())) {
                return full.substring(candidate.toString().length());
            }
        }
        throw new IllegalStateException("not a registry URL: " + withoutQuery(uri));
    }

    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath();
    }

    private HttpResponse<byte[]> expect(HttpResponse<byte[]> response, int... statuses) {
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return response;
            }
        }
        throw new RegistryException(problem(response));
    }

    private Problem problem(HttpResponse<byte[]> response) {
        return Problem.fromResponse(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.body(),
                mapper);
    }

    private <T> T read(HttpResponse<byte[]> response, Class<T> type) {
        try {
            return mapper.readValue(response.body(), type);
        } catch (RuntimeException e) {
            throw unreadable(response, e);
        }
    }

    private static RegistryException unreadable(HttpResponse<?> response, RuntimeException e) {
        return new RegistryException(
                new Problem(
                        response.statusCode(),
                        Problem.INVALID_RESPONSE,
                        "Unreadable response",
                        response.request().method() + " " + withoutQuery(response.uri())
                                + " answered with a body that is not the expected JSON: "
                                + Problem.abbreviate(e.getMessage())),
                e);
    }

    private static String validId(String instanceId) {
        if (instanceId == null
                || !ServiceRegistration.INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instanceId must match " + ServiceRegistration.INSTANCE_ID.pattern());
        }
        return instanceId;
    }

    private static long parseLong(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1L;
        }
    }
}
