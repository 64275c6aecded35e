package io.agentforge.client;

import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.registry.api.ServiceRegistration;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@link AccessTokens} from the registry's token endpoint: an RFC 8693 token exchange at
 * {@code POST {registry}/oauth2/token}, authenticated with this caller's own key, whose {@code subject_token} is the
 * end user's credential (or the own key when the caller acts for itself).
 *
 * <p>Tokens are cached per (audience, subject) until 60 s before they expire (the JWT's {@code exp}, else the
 * answer's {@code expires_in}); a cached token past that point but not yet expired is still used while the registry
 * can't answer. Concurrent requests for the same token share one exchange. The cache is bounded (least recently used
 * tokens go first) and holds no subject credential: subjects are keyed by their SHA-256. Thread-safe.
 */
public final class TokenExchanger implements AccessTokens, AutoCloseable {

    public static final String TOKEN_PATH = "/oauth2/token";
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
    /** How long before expiry a cached token is replaced. */
    public static final Duration REFRESH_AHEAD = Duration.ofSeconds(60);

    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Problem type of a refused exchange; the title is the OAuth error code, the detail its description. */
    public static final URI TOKEN_EXCHANGE_PROBLEM = ProblemTypes.of("token-exchange");

    private static final int MAX_ANSWER = 64 * 1024;
    private static final String SELF = "self";

    private final ForgeClientSettings settings;
    private final RegistryEndpoints endpoints;
    private final Clock clock;
    private final HttpClient http;
    private final JsonMapper mapper = HttpRegistryClient.mapper();
    private final Map<String, Cached> cache;
    private final Map<String, CompletableFuture<Cached>> inFlight = new ConcurrentHashMap<>();
    // Bumped by forget(): an exchange that started before it must not put its answer in the cache.
    private final AtomicLong generation = new AtomicLong();
    private final ObservationRegistry observations;

    public TokenExchanger(ForgeClientSettings settings, Clock clock) {
        this(settings, DEFAULT_MAX_ENTRIES, clock);
    }

    /** @param maxEntries the least recently used tokens are dropped beyond this many */
    public TokenExchanger(ForgeClientSettings settings, int maxEntries, Clock clock) {
        this(settings, maxEntries, clock, ObservationRegistry.NOOP);
    }

    /**
     * @param observations each exchange at the registry becomes an {@code agentforge.registry.client.requests}
     *                     observation ({@code operation=token}); cache hits are not observed
     */
    public TokenExchanger(ForgeClientSettings settings, int maxEntries, Clock clock, ObservationRegistry observations) {
        this.observations = Objects.requireNonNull(observations, "observations");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.endpoints = new RegistryEndpoints(settings);
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive, got " + maxEntries);
        }
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > maxEntries;
            }
        };
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String token(String audience, @Nullable String subjectCredential) {
        if (audience == null
                || !ServiceRegistration.SERVICE_NAME.matcher(audience).matches()) {
            throw new IllegalArgumentException(
                    "audience must be a service name matching " + ServiceRegistration.SERVICE_NAME.pattern());
        }
        String subject = subjectCredential == null || subjectCredential.isBlank() ? null : subjectCredential.strip();
        if (subject != null && subject.equals(settings.apiKey())) {
            subject = null;
        }
        String cacheKey = audience + " " + (subject == null ? SELF : KeyIntrospector.sha256(subject));
        Instant now = clock.instant();
        Cached cached;
        synchronized (cache) {
            cached = cache.get(cacheKey);
        }
        if (cached != null && now.isBefore(cached.refreshAt)) {
            return cached.token;
        }
        try {
            return exchangeOnce(cacheKey, audience, subject).token;
        } catch (RegistryException e) {
            // Refresh ahead failed, but the token we hold is still good: use it rather than fail the call.
            if (e.isTransient() && cached != null && clock.instant().isBefore(cached.expiresAt)) {
                return cached.token;
            }
            throw e;
        }
    }

    /**
     * Drops every cached token whose subject or actor chain holds the key {@code keyId} (including tokens exchanged
     * for that key as subject credential); every token when it is this caller's own key. Call it when the change
     * feed says the key was revoked.
     */
    public void forget(@Nullable String keyId) {
        if (keyId == null || keyId.isBlank()) {
            return;
        }
        generation.incrementAndGet();
        synchronized (cache) {
            cache.values().removeIf(entry -> entry.keyIds.contains(keyId));
        }
    }

    /** Tokens currently cached. */
    public int size() {
        synchronized (cache) {
            return cache.size();
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private Cached exchangeOnce(String cacheKey, String audience, @Nullable String subject) {
        CompletableFuture<Cached> mine = new CompletableFuture<>();
        CompletableFuture<Cached> running = inFlight.putIfAbsent(cacheKey, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        try {
            long startedIn = generation.get();
            Cached fresh = exchange(audience, subject);
            if (generation.get() == startedIn) {
                synchronized (cache) {
                    cache.put(cacheKey, fresh);
                }
            }
            mine.complete(fresh);
            return fresh;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(cacheKey, mine);
        }
    }

    private Cached exchange(String audience, @Nullable String subject) {
        String form = "grant_type=" + encode(GRANT_TYPE)
                + "&audience=" + encode(audience)
                + "&subject_token=" + encode(subject == null ? settings.apiKey() : subject)
                + "&subject_token_type=" + encode(ACCESS_TOKEN_TYPE);
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        ForgeClientSettings.resolve(endpoints.current(), TOKEN_PATH))
                .timeout(settings.requestTimeout())
                .header("Authorization", "Bearer " + settings.apiKey())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("User-Agent", HttpRegistryClient.USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8));
        Observation observation = HttpObservations.start(
                observations,
                "agentforge.registry.client.requests",
                "registry token",
                builder,
                "registry",
                KeyValues.of("operation", "token"));
        Instant sent = clock.instant();
        HttpResponse<byte[]> response;
        try {
            // A second token from another replica is harmless: the exchange may move on after any failure.
            response = endpoints.send(http, builder, TOKEN_PATH, true, HttpResponse.BodyHandlers.ofByteArray());
            observation.lowCardinalityKeyValue("status", Integer.toString(response.statusCode()));
        } catch (IOException e) {
            observation.lowCardinalityKeyValue("status", "IO_ERROR").error(e);
            throw new RegistryUnreachableException(
                    "Token exchange at " + endpoints.inOrder() + " " + TOKEN_PATH + " failed: "
                            + e.getClass().getSimpleName(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            observation.lowCardinalityKeyValue("status", "IO_ERROR").error(e);
            throw new RegistryUnreachableException("Interrupted while exchanging a token", e);
        } finally {
            observation.stop();
        }
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (body.length > MAX_ANSWER) {
            throw new RegistryException(new Problem(
                    response.statusCode(),
                    Problem.INVALID_RESPONSE,
                    "Token answer too large",
                    "The token endpoint answered more than " + MAX_ANSWER + " bytes"));
        }
        JsonNode answer = json(body);
        if (response.statusCode() != 200) {
            throw new RegistryException(refusal(response.statusCode(), audience, answer, body));
        }
        String token = answer == null ? null : answer.path("access_token").asString(null);
        if (token == null || token.isBlank() || token.startsWith("af_")) {
            throw new RegistryException(new Problem(
                    200,
                    Problem.INVALID_RESPONSE,
                    "Unusable token answer",
                    "The token endpoint answered 200 without a JWT in access_token"));
        }
        Claims claims = Claims.of(token, mapper);
        Instant expiresAt = claims.exp != null
                ? claims.exp
                : sent.plusSeconds(Math.max(0, answer.path("expires_in").asLong(0)));
        Duration lifetime = Duration.between(sent, expiresAt);
        // A token living under two minutes is still reused for half its life, not fetched on every call.
        Duration margin = lifetime.dividedBy(2).compareTo(REFRESH_AHEAD) < 0 ? lifetime.dividedBy(2) : REFRESH_AHEAD;
        Set<String> keyIds = new HashSet<>(claims.keyIds);
        keyIds.add(settings.keyId());
        if (subject != null) {
            Matcher key = ForgeClientSettings.API_KEY.matcher(subject);
            if (key.matches()) {
                keyIds.add(key.group(1));
            } else {
                keyIds.addAll(Claims.of(subject, mapper).keyIds);
            }
        }
        return new Cached(
                token, expiresAt.minus(margin.isNegative() ? Duration.ZERO : margin), expiresAt, Set.copyOf(keyIds));
    }

    private Problem refusal(int status, String audience, @Nullable JsonNode answer, byte[] body) {
        String error = answer == null ? null : answer.path("error").asString(null);
        if (error == null) {
            // Not OAuth's error JSON (a proxy, or a registry without a token endpoint): keep what it said.
            Problem problem = Problem.fromResponse(status, "application/json", body, mapper);
            return new Problem(
                    status,
                    problem.type(),
                    problem.title(),
                    "Token exchange for audience '" + audience + "' failed"
                            + (problem.detail().isEmpty() ? "" : ": " + problem.detail()));
        }
        String description = answer.path("error_description").asString("");
        return new Problem(
                status,
                TOKEN_EXCHANGE_PROBLEM,
                Problem.abbreviate(error),
                Problem.abbreviate("Token exchange for audience '" + audience + "' refused (" + error + ")"
                        + (description.isBlank() ? "" : ": " + description)));
    }

    private @Nullable JsonNode json(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = mapper.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * @param refreshAt when to exchange again
     * @param expiresAt when the token stops being valid
     * @param keyIds    keys in the token's subject and actor chain, the subject credential's key and our own
     */
    private record Cached(String token, Instant refreshAt, Instant expiresAt, Set<String> keyIds) {

        @Override
        public String toString() {
            return "Cached[refreshAt=" + refreshAt + ", expiresAt=" + expiresAt + ", keyIds=" + keyIds + "]";
        }
    }

    /** What the caller needs from a JWT's payload; read without verification (the receiver verifies). */
    record Claims(@Nullable Instant exp, Set<String> keyIds) {

        static final Claims NONE = new Claims(null, Set.of());
        private static final int MAX_ACTOR_DEPTH = 16;

        static Claims of(String jwt, JsonMapper mapper) {
            String[] parts = jwt.split("\\.", -1);
            if (parts.length != 3) {
                return NONE;
            }
            JsonNode payload;
            try {
                payload = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            } catch (RuntimeException e) {
                return NONE;
            }
            if (payload == null || !payload.isObject()) {
                return NONE;
            }
            Instant exp = payload.path("exp").isNumber()
                    ? Instant.ofEpochSecond(payload.path("exp").asLong())
                    : null;
            Set<String> keyIds = new HashSet<>();
            JsonNode node = payload;
            for (int depth = 0; node != null && node.isObject() && depth < MAX_ACTOR_DEPTH; depth++) {
                String sub = node.path("sub").asString("");
                if (sub.startsWith("key:") && sub.length() > 4) {
                    keyIds.add(sub.substring(4));
                }
                node = node.get("act");
            }
            return new Claims(exp, keyIds.stream().collect(Collectors.toUnmodifiableSet()));
        }
    }
}
