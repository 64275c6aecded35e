package io.agentforge.starter;

import io.agentforge.registry.api.Role;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.http.HttpRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.client.support.HttpRequestWrapper;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.web.client.RestTemplate;

/**
 * Verifies the JWTs the registry issues for calls to this service, locally against the registry's JWKS
 * ({@code {registry}/oauth2/jwks}, cached; an unknown {@code kid} fetches it again at most every 10 s): ES256 or
 * RS256 signature, {@code aud} containing this service's name, {@code exp}/{@code nbf} with 30 s of clock skew, a
 * {@code roles} claim with at least the {@code client} role, {@code iss} when one is configured, and no revoked key in
 * the subject or actor chain. Thread-safe.
 */
public final class ForgeTokenVerifier {

    public static final String JWKS_PATH = "/oauth2/jwks";
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    public static final Duration JWKS_TTL = Duration.ofMinutes(5);
    public static final Duration JWKS_REFETCH_INTERVAL = Duration.ofSeconds(10);
    private static final int MAX_ACTOR_DEPTH = 16;
    private static final int MAX_VERIFIED = 10_000;
    private static final String INVALID_TOKEN = "invalid_token";

    private final NimbusJwtDecoder decoder;
    private final String serviceName;
    private final String jwksUri;
    private final RevokedKeys revoked;
    private final Clock clock;
    // Tokens whose signature and claims were checked, until they expire: a caller reuses its token for minutes, and
    // an ES256 check costs far more than the call. Revocation is still checked on every call.
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /**
     * @param jwksUri     the registry's JWKS, e.g. {@code http://registry:8081/oauth2/jwks}; several replicas' separated
     *                    by commas are tried in turn when one does not answer
     * @param serviceName this service's name: tokens must name it in {@code aud}
     * @param issuer      the {@code iss} tokens must carry; null accepts any (they are still signed by the registry)
     */
    public ForgeTokenVerifier(String jwksUri, String serviceName, String issuer, RevokedKeys revoked, Clock clock) {
        this.jwksUri = Objects.requireNonNull(jwksUri, "jwksUri");
        this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        this.revoked = Objects.requireNonNull(revoked, "revoked");
        this.clock = Objects.requireNonNull(clock, "clock");
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(Duration.ofSeconds(2));
        requests.setReadTimeout(Duration.ofSeconds(5));
        List<URI> replicas = Arrays.stream(jwksUri.split(","))
                .map(String::strip)
                .filter(uri -> !uri.isEmpty())
                .map(URI::create)
                .toList();
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("jwksUri is empty");
        }
        RestTemplate rest = new RestTemplate(requests);
        if (replicas.size() > 1) {
            rest.getInterceptors().add(new ReplicaFailover(replicas));
        }
        this.decoder = NimbusJwtDecoder.withJwkSetUri(replicas.getFirst().toString())
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .restOperations(rest)
                .cache(new JwksCache(clock, JWKS_TTL, JWKS_REFETCH_INTERVAL))
                .build();
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(jwt -> timestamps(jwt, clock.instant()));
        validators.add(this::audience);
        if (issuer != null && !issuer.isBlank()) {
            String expected = issuer.strip();
            validators.add(jwt -> expected.equals(jwt.getClaimAsString("iss"))
                    ? OAuth2TokenValidatorResult.success()
                    : failure("The token was issued by '" + jwt.getClaimAsString("iss") + "', this service accepts"
                            + " tokens of '" + expected + "' only"));
        }
        validators.add(ForgeTokenVerifier::roles);
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
    }

    /**
     * The caller a token stands for.
     *
     * @throws TokenRefusedException 401 for a token that is malformed, badly signed, expired, for another audience,
     *                               without a role or naming a revoked key; 503 when the signing keys can't be fetched
     *                               (its message says why and never holds the token)
     */
    public ForgeCaller verify(String token) {
        Verified known = verified.get(token);
        if (known != null && !clock.instant().minus(CLOCK_SKEW).isAfter(known.expiresAt())) {
            requireNoRevokedKey(known.keyIds());
            return known.caller();
        }
        Jwt jwt;
        try {
            jwt = decoder.decode(token);
        } catch (JwtValidationException e) {
            throw TokenRefusedException.unauthorized(firstDescription(e.getErrors(), e.getMessage()));
        } catch (BadJwtException e) {
            throw TokenRefusedException.unauthorized(
                    "The token is not a JWT signed by the registry: " + reason(e.getMessage()));
        } catch (JwtException e) {
            // The keys could not be had: refuse (fail closed), the caller may retry.
            throw new TokenRefusedException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ForgeProblems.UNAVAILABLE,
                    "The registry's signing keys (" + jwksUri + ") could not be fetched to check the token; try"
                            + " again later");
        }
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank()) {
            throw TokenRefusedException.unauthorized("The token has no subject (sub)");
        }
        List<String> actors = new ArrayList<>();
        Object act = jwt.getClaims().get("act");
        for (int depth = 0; act instanceof Map<?, ?> actor && depth < MAX_ACTOR_DEPTH; depth++) {
            if (actor.get("sub") instanceof String actorSub && !actorSub.isBlank()) {
                actors.add(actorSub);
            }
            act = actor.get("act");
        }
        List<String> keyIds = new ArrayList<>();
        for (String principal : concat(sub, actors)) {
            if (principal.startsWith("key:") && principal.length() > 4) {
                keyIds.add(principal.substring(4));
            }
        }
        requireNoRevokedKey(keyIds);
        String name = jwt.getClaimAsString("name");
        ForgeCaller caller =
                new ForgeCaller(sub, name, knownRoles(jwt.getClaims().get("roles")), actors);
        remember(token, new Verified(caller, jwt.getExpiresAt(), List.copyOf(keyIds)));
        return caller;
    }

    private void requireNoRevokedKey(List<String> keyIds) {
        String revokedKey = revoked.anyRevoked(keyIds);
        if (revokedKey != null) {
            throw TokenRefusedException.unauthorized("The token names the key " + revokedKey + ", which was revoked");
        }
    }

    private void remember(String token, Verified entry) {
        if (verified.size() >= MAX_VERIFIED) {
            Instant now = clock.instant().minus(CLOCK_SKEW);
            verified.values().removeIf(v -> now.isAfter(v.expiresAt()));
            if (verified.size() >= MAX_VERIFIED) {
                verified.clear();
            }
        }
        verified.put(token, entry);
    }

    private record Verified(ForgeCaller caller, Instant expiresAt, List<String> keyIds) {}

    /** The audience tokens must name: this service's name. */
    public String serviceName() {
        return serviceName;
    }

    private OAuth2TokenValidatorResult audience(Jwt jwt) {
        List<String> audience = jwt.getAudience();
        if (audience != null && audience.contains(serviceName)) {
            return OAuth2TokenValidatorResult.success();
        }
        String named = audience == null || audience.isEmpty()
                ? "no service"
                : audience.size() == 1 ? "'" + audience.getFirst() + "'" : audience.toString();
        return failure("This token is for " + named + ", this service is '" + serviceName + "': get a token with"
                + " audience '" + serviceName + "' from the registry");
    }

    private static OAuth2TokenValidatorResult timestamps(Jwt jwt, Instant now) {
        Instant expiresAt = jwt.getExpiresAt();
        if (expiresAt == null) {
            return failure("The token has no expiry (exp)");
        }
        if (now.minus(CLOCK_SKEW).isAfter(expiresAt)) {
            return failure("The token expired at " + expiresAt + "; get a fresh one from the registry");
        }
        Instant notBefore = jwt.getNotBefore();
        if (notBefore != null && now.plus(CLOCK_SKEW).isBefore(notBefore)) {
            return failure("The token is not valid before " + notBefore);
        }
        return OAuth2TokenValidatorResult.success();
    }

    private static OAuth2TokenValidatorResult roles(Jwt jwt) {
        return knownRoles(jwt.getClaims().get("roles")).stream().anyMatch(r -> r.includes(Role.CLIENT))
                ? OAuth2TokenValidatorResult.success()
                : failure("The token carries no role that may call functions (client, service or admin)");
    }

    private static Set<Role> knownRoles(Object claim) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        if (claim instanceof Collection<?> values) {
            for (Object value : values) {
                for (Role role : Role.values()) {
                    if (role.wireName().equals(value)) {
                        roles.add(role);
                    }
                }
            }
        }
        return roles;
    }

    private static OAuth2TokenValidatorResult failure(String description) {
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(INVALID_TOKEN, description, null));
    }

    private static String firstDescription(Collection<OAuth2Error> errors, String fallback) {
        return errors.stream()
                .map(OAuth2Error::getDescription)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(fallback);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest.size() + 1);
        all.add(first);
        all.addAll(rest);
        return all;
    }

    // Nimbus' messages say what failed (bad signature, no matching key, malformed) after a fixed prefix.
    private static String reason(String message) {
        if (message == null) {
            return "unreadable";
        }
        String text = message.replace("An error occurred while attempting to decode the Jwt: ", "");
        if (text.contains("Invalid signature")) {
            return "bad signature";
        }
        if (text.contains("no matching key")) {
            return "signed with a key the registry does not publish";
        }
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }

    /** Sends a JWKS request that got no answer from the first replica to the next ones, in order. */
    private record ReplicaFailover(List<URI> replicas) implements ClientHttpRequestInterceptor {

        @Override
        public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
                throws IOException {
            IOException failure;
            try {
                return execution.execute(request, body);
            } catch (IOException e) {
                failure = e;
            }
            for (URI replica : replicas.subList(1, replicas.size())) {
                try {
                    // The chain has run this (only) interceptor, so execute() now sends to the wrapper's URI.
                    return execution.execute(
                            new HttpRequestWrapper(request) {
                                @Override
                                public URI getURI() {
                                    return replica;
                                }
                            },
                            body);
                } catch (IOException e) {
                    failure.addSuppressed(e);
                }
            }
            throw failure;
        }
    }
}
