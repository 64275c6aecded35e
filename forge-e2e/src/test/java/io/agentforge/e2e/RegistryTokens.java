package io.agentforge.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.agentforge.registry.api.ForgeJacksonModule;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Tokens of a test registry: exchanged at {@code /oauth2/token}, verified against its JWKS, read, or forged. */
final class RegistryTokens {

    static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private RegistryTokens() {}

    /**
     * Verifies tokens the way a tool built on the starter does: signed with a key the registry publishes, unexpired,
     * and for {@code audience}.
     */
    static JwtDecoder verifier(RegistryServer registry, String audience) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(registry.url() + "/oauth2/jwks")
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefault(),
                jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                        ? OAuth2TokenValidatorResult.success()
                        : OAuth2TokenValidatorResult.failure(
                                new OAuth2Error("invalid_token", "The token is not for " + audience, null))));
        return decoder;
    }

    /** A token shaped like the registry's, for {@code audience}, signed with a key of its own: the registry's keys never signed it. */
    static String forged(String audience) {
        try {
            ECKey key = new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
            Instant now = Instant.now();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256)
                            .keyID(key.getKeyID())
                            .build(),
                    new JWTClaimsSet.Builder()
                            .subject("key:forged")
                            .audience(audience)
                            .claim("roles", List.of("admin"))
                            .issueTime(Date.from(now))
                            .expirationTime(Date.from(now.plusSeconds(300)))
                            .jwtID(UUID.randomUUID().toString())
                            .build());
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The registry's answer to a token exchange by {@code callerKey} for {@code audience}. */
    static HttpResponse<String> exchange(
            RegistryServer registry, String callerKey, String audience, String subjectToken) {
        String form = Map.of(
                        "grant_type",
                        TOKEN_EXCHANGE,
                        "audience",
                        audience,
                        "subject_token",
                        subjectToken,
                        "subject_token_type",
                        ACCESS_TOKEN)
                .entrySet()
                .stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(registry.url() + "/oauth2/token"))
                            .header("Authorization", "Bearer " + callerKey)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A token for {@code audience}: the key acting for itself. */
    static String token(RegistryServer registry, String key, String audience) {
        HttpResponse<String> response = exchange(registry, key, audience, key);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "The token exchange answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).get("access_token").asString();
    }

    /** A JWT's header ({@code header = true}) or claims, read without checking anything. */
    static JsonNode read(String jwt, boolean header) {
        String[] parts = jwt.split("\\.");
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[header ? 0 : 1]));
    }

    static Instant expiry(String jwt) {
        return Instant.ofEpochSecond(read(jwt, false).get("exp").asLong());
    }
}
