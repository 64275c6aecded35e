package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.agent;
import static io.agentforge.registry.support.Registrations.tool;
import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.MemoryRegistryTest;
import io.agentforge.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import tools.jackson.databind.JsonNode;

/** The token endpoint, JWKS and metadata over real HTTP; tokens are verified against the JWKS fetched over HTTP. */
@MemoryRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenExchangeHttpTests {

    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Http http;
    String agentKey;
    String calculatorKey;
    String consoleKey;
    String userKey;

    @BeforeAll
    void setUp() {
        http = new Http("http://127.0.0.1:" + port);
        agentKey = createServiceKey("tx-agent", "AGENT", "tx-agent");
        calculatorKey = createServiceKey("tx-calculator", "TOOL", "tx-calc");
        consoleKey = createKey("tx-console", "client");
        userKey = createKey("alice", "client");
        assertThat(http.post("/api/v1/instances", agentKey, agent("tx-agent-1", "tx-agent"))
                        .status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/instances", calculatorKey, tool("tx-calc-1", "tx-calc", "tx_calc_add"))
                        .status())
                .isEqualTo(201);
    }

    String createKey(String name, String role) {
        Http.Response response = http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", name, "roles", List.of(role)));
        assertThat(response.status()).isEqualTo(201);
        return response.as(ApiKeyCreated.class).key();
    }

    String createServiceKey(String name, String kind, String service) {
        Http.Response response = http.post(
                "/api/v1/keys",
                ADMIN_KEY,
                Map.of(
                        "name",
                        name,
                        "roles",
                        List.of("service"),
                        "services",
                        List.of(service),
                        "kinds",
                        List.of(kind)));
        assertThat(response.status()).isEqualTo(201);
        return response.as(ApiKeyCreated.class).key();
    }

    static String keyId(String key) {
        return key.substring(3, key.indexOf('_', 3));
    }

    Http.Response post(String form, String... headers) {
        HttpRequest.Builder request = http.request("/oauth2/token", null, headers)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        return http.send(request);
    }

    static String form(Map<String, String> parameters) {
        return parameters.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static Map<String, String> exchangeForm(String subject, String audience) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", EXCHANGE);
        form.put("subject_token", subject);
        form.put("subject_token_type", ACCESS_TOKEN);
        form.put("audience", audience);
        return form;
    }

    Http.Response exchange(String caller, String subject, String audience) {
        return post(form(exchangeForm(subject, audience)), "Authorization", "Bearer " + caller);
    }

    String token(String caller, String subject, String audience) {
        Http.Response response = exchange(caller, subject, audience);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }

    /** A verifier as a tool would build it: the JWKS fetched over HTTP, time from the test clock. */
    Jwt verify(String token) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(http.baseUrl() + "/oauth2/jwks")
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);
        expiry.setClock(clock);
        decoder.setJwtValidator(expiry);
        return decoder.decode(token);
    }

    static void assertOAuthError(Http.Response response, int status, String error) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = response.json();
        assertThat(body.get("error").asString()).isEqualTo(error);
        assertThat(body.get("error_description").asString()).isNotBlank();
    }

    @Nested
    class Exchange {

        @Test
        void aServiceExchangesItsOwnKeyForATokenAboutItself() {
            Http.Response response = exchange(agentKey, agentKey, "tx-calc");

            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.header("Cache-Control")).contains("no-store");
            JsonNode body = response.json();
            assertThat(body.get("token_type").asString()).isEqualTo("Bearer");
            assertThat(body.get("issued_token_type").asString()).isEqualTo("urn:ietf:params:oauth:token-type:jwt");
            assertThat(body.get("expires_in").asLong()).isEqualTo(300);
            assertThat(body.has("refresh_token")).isFalse();

            Jwt jwt = verify(body.get("access_token").asString());
            assertThat(jwt.getHeaders()).containsEntry("alg", "ES256").containsKey("kid");
            assertThat(jwt.getIssuer().toString()).isEqualTo(http.baseUrl());
            assertThat(jwt.getSubject()).isEqualTo("key:" + keyId(agentKey));
            assertThat(jwt.getAudience()).containsExactly("tx-calc");
            assertThat(jwt.getClaimAsString("name")).isEqualTo("tx-agent");
            assertThat(jwt.getClaimAsStringList("roles")).containsExactly("service");
            assertThat(jwt.getClaimAsStringList("services")).containsExactly("tx-agent");
            assertThat(jwt.hasClaim("act")).isFalse();
            assertThat(jwt.getIssuedAt()).isEqualTo(clock.instant().truncatedTo(ChronoUnit.SECONDS));
            assertThat(jwt.getExpiresAt()).isEqualTo(jwt.getIssuedAt().plus(Duration.ofMinutes(5)));
            assertThat(jwt.getId()).isNotBlank();
            assertThat(verify(token(agentKey, agentKey, "tx-calc")).getId()).isNotEqualTo(jwt.getId());
        }

        @Test
        void aServiceActingForAUserGetsATokenAboutTheUserWithItselfAsActor() {
            Jwt jwt = verify(token(agentKey, userKey, "tx-calc"));

            assertThat(jwt.getSubject()).isEqualTo("key:" + keyId(userKey));
            assertThat(jwt.getClaimAsString("name")).isEqualTo("alice");
            assertThat(jwt.getClaimAsStringList("roles")).containsExactly("client");
            // The scope is the subject's, not the actor's: a client key has none.
            assertThat(jwt.hasClaim("services")).isFalse();
            assertThat(jwt.getClaimAsMap("act")).isEqualTo(Map.of("sub", "key:" + keyId(agentKey), "name", "tx-agent"));
        }

        @Test
        void aRegistryTokenExchangedOnwardNestsTheActors() {
            String forAgent = token(consoleKey, userKey, "tx-agent");

            Jwt jwt = verify(token(agentKey, forAgent, "tx-calc"));

            assertThat(jwt.getSubject()).isEqualTo("key:" + keyId(userKey));
            assertThat(jwt.getAudience()).containsExactly("tx-calc");
            assertThat(jwt.getClaimAsStringList("roles")).containsExactly("client");
            assertThat(jwt.getClaimAsMap("act"))
                    .isEqualTo(Map.of(
                            "sub",
                            "key:" + keyId(agentKey),
                            "name",
                            "tx-agent",
                            "act",
                            Map.of("sub", "key:" + keyId(consoleKey), "name", "tx-console")));
        }

        @Test
        void aScopedSubjectsServicesTravelOnWithItsTokenThroughFurtherExchanges() {
            String forAgent = token(calculatorKey, calculatorKey, "tx-agent");

            Jwt jwt = verify(token(agentKey, forAgent, "tx-calc"));

            assertThat(jwt.getSubject()).isEqualTo("key:" + keyId(calculatorKey));
            assertThat(jwt.getClaimAsStringList("services")).containsExactly("tx-calc");
        }

        @Test
        void theKeyMayBeSentAsXApiKeyOrWithClientSecretBasic() {
            Http.Response viaHeader = post(form(exchangeForm(agentKey, "tx-calc")), "X-API-Key", agentKey);
            String basic = Base64.getEncoder()
                    .encodeToString((keyId(agentKey) + ":" + agentKey).getBytes(StandardCharsets.UTF_8));
            Http.Response viaBasic = post(form(exchangeForm(agentKey, "tx-calc")), "Authorization", "Basic " + basic);

            assertThat(viaHeader.status()).as(viaHeader.body()).isEqualTo(200);
            assertThat(viaBasic.status()).as(viaBasic.body()).isEqualTo(200);
            assertThat(verify(viaBasic.json().get("access_token").asString()).getSubject())
                    .isEqualTo("key:" + keyId(agentKey));
        }

        @Test
        void eitherSubjectTokenTypeIsAcceptedForEitherKindOfToken() {
            Map<String, String> form = exchangeForm(agentKey, "tx-calc");
            form.put("subject_token_type", "urn:ietf:params:oauth:token-type:jwt");

            assertThat(post(form(form), "Authorization", "Bearer " + agentKey).status())
                    .isEqualTo(200);
        }
    }

    @Nested
    class Refusals {

        @Test
        void aRegistryTokenForAnotherAudienceIsAnInvalidGrant() {
            String forAgent = token(consoleKey, userKey, "tx-agent");

            // The calculator's key does not own tx-agent: it is not the token's recipient.
            assertOAuthError(exchange(calculatorKey, forAgent, "tx-calc"), 400, "invalid_grant");
        }

        @Test
        void anUnknownAudienceIsAnInvalidTarget() {
            assertOAuthError(exchange(agentKey, agentKey, "no-such-service"), 400, "invalid_target");
        }

        @Test
        void aRevokedClientKeyIsRefusedAtOnce() {
            String key = createServiceKey("tx-revoked-client", "TOOL", "tx-revoked");
            assertThat(exchange(key, key, "tx-calc").status()).isEqualTo(200);

            assertThat(http.delete("/api/v1/keys/" + keyId(key), ADMIN_KEY).status())
                    .isEqualTo(204);

            Http.Response refused = exchange(key, key, "tx-calc");
            assertOAuthError(refused, 401, "invalid_client");
            assertThat(refused.header("WWW-Authenticate")).isNotBlank();
        }

        @Test
        void aRevokedSubjectKeyIsRefusedAtOnceAlsoInsideARegistryToken() {
            String user = createKey("tx-revoked-user", "client");
            String forAgent = token(consoleKey, user, "tx-agent");

            assertThat(http.delete("/api/v1/keys/" + keyId(user), ADMIN_KEY).status())
                    .isEqualTo(204);

            assertOAuthError(exchange(agentKey, user, "tx-calc"), 400, "invalid_grant");
            assertOAuthError(exchange(agentKey, forAgent, "tx-calc"), 400, "invalid_grant");
        }

        @Test
        void aForgedOrGarbledSubjectTokenIsAnInvalidGrant() {
            assertOAuthError(
                    exchange(agentKey, "af_testadmin01_wrongsecretwrongsecretwrongsecret", "tx-calc"),
                    400,
                    "invalid_grant");
            assertOAuthError(exchange(agentKey, "not-a-token", "tx-calc"), 400, "invalid_grant");
            String token = token(consoleKey, userKey, "tx-agent");
            String tampered = token.substring(0, token.lastIndexOf('.') + 1) + "AAAA";
            assertOAuthError(exchange(agentKey, tampered, "tx-calc"), 400, "invalid_grant");
        }

        @Test
        void anExpiredRegistryTokenIsAnInvalidGrant() {
            String forAgent = token(consoleKey, userKey, "tx-agent");

            clock.advance(Duration.ofMinutes(5).plusSeconds(1));

            assertOAuthError(exchange(agentKey, forAgent, "tx-calc"), 400, "invalid_grant");
        }

        @Test
        void withoutClientAuthenticationTheAnswerIsInvalidClient() {
            assertOAuthError(post(form(exchangeForm(agentKey, "tx-calc"))), 401, "invalid_client");
            assertOAuthError(
                    post(
                            form(exchangeForm(agentKey, "tx-calc")),
                            "Authorization",
                            "Bearer af_nosuchkey1_abcdefghijklmnopqrstuvwxyz"),
                    401,
                    "invalid_client");
            String basic =
                    Base64.getEncoder().encodeToString(("someotherid:" + agentKey).getBytes(StandardCharsets.UTF_8));
            assertOAuthError(
                    post(form(exchangeForm(agentKey, "tx-calc")), "Authorization", "Basic " + basic),
                    401,
                    "invalid_client");
        }

        @Test
        void anotherGrantTypeIsUnsupported() {
            assertOAuthError(
                    post("grant_type=client_credentials", "Authorization", "Bearer " + agentKey),
                    400,
                    "unsupported_grant_type");
            assertOAuthError(
                    post("grant_type=authorization_code&code=x", "Authorization", "Bearer " + agentKey),
                    400,
                    "unsupported_grant_type");
        }

        @Test
        void missingOrRepeatedParametersAreInvalidRequests() {
            Map<String, String> noSubject = exchangeForm(agentKey, "tx-calc");
            noSubject.remove("subject_token");
            Map<String, String> noAudience = exchangeForm(agentKey, "tx-calc");
            noAudience.remove("audience");
            Map<String, String> noType = exchangeForm(agentKey, "tx-calc");
            noType.remove("subject_token_type");

            assertOAuthError(post(form(noSubject), "Authorization", "Bearer " + agentKey), 400, "invalid_request");
            assertOAuthError(post(form(noAudience), "Authorization", "Bearer " + agentKey), 400, "invalid_request");
            assertOAuthError(post(form(noType), "Authorization", "Bearer " + agentKey), 400, "invalid_request");
            assertOAuthError(post("subject_token=x", "Authorization", "Bearer " + agentKey), 400, "invalid_request");
            assertOAuthError(
                    post(
                            form(exchangeForm(agentKey, "tx-calc")) + "&audience=tx-agent",
                            "Authorization",
                            "Bearer " + agentKey),
                    400,
                    "invalid_request");
        }

        @Test
        void anOversizedOrMalformedFormIsABadRequestNotAServerError() {
            String huge = form(exchangeForm(agentKey, "tx-calc")) + "&padding=" + "x".repeat(300 * 1024);
            assertOAuthError(post(huge, "Authorization", "Bearer " + agentKey), 400, "invalid_request");

            byte[] chunked = (form(exchangeForm(agentKey, "tx-calc")) + "&padding=" + "x".repeat(3 * 1024 * 1024))
                    .getBytes(StandardCharsets.UTF_8);
            Http.Response streamed = http.send(http.request("/oauth2/token", agentKey)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked))));
            assertThat(streamed.status()).as(streamed.body()).isBetween(400, 499);

            Http.Response malformed =
                    post("grant_type=%zz&subject_token=%&audience=%E0%A4%A", "Authorization", "Bearer " + agentKey);
            assertThat(malformed.status()).as(malformed.body()).isBetween(400, 499);
        }
    }

    @Nested
    class Publication {

        @Test
        void theJwksIsPublicAndHoldsNoPrivateKey() {
            Http.Response jwks = http.get("/oauth2/jwks", null);

            assertThat(jwks.status()).isEqualTo(200);
            JsonNode key = jwks.json().get("keys").get(0);
            assertThat(key.get("kty").asString()).isEqualTo("EC");
            assertThat(key.get("crv").asString()).isEqualTo("P-256");
            assertThat(key.get("alg").asString()).isEqualTo("ES256");
            assertThat(key.has("d")).isFalse();
            assertThat(jwks.body()).doesNotContain("\"d\"");
        }

        @Test
        void theMetadataIsPublicAndDescribesOnlyTheTokenExchange() {
            Http.Response metadata = http.get("/.well-known/oauth-authorization-server", null);

            assertThat(metadata.status()).isEqualTo(200);
            JsonNode body = metadata.json();
            assertThat(body.get("issuer").asString()).isEqualTo(http.baseUrl());
            assertThat(body.get("token_endpoint").asString()).isEqualTo(http.baseUrl() + "/oauth2/token");
            assertThat(body.get("jwks_uri").asString()).isEqualTo(http.baseUrl() + "/oauth2/jwks");
            assertThat(body.get("grant_types_supported").values())
                    .extracting(JsonNode::asString)
                    .containsExactly(EXCHANGE);
            assertThat(body.has("introspection_endpoint")).isFalse();
            assertThat(body.has("revocation_endpoint")).isFalse();
        }

        @Test
        void otherAuthorizationServerEndpointsAreNotServed() {
            assertThat(http.get("/oauth2/authorize?response_type=code&client_id=x", null)
                            .status())
                    .isEqualTo(401);
            assertThat(http.get("/oauth2/authorize?response_type=code&client_id=x", ADMIN_KEY)
                            .status())
                    .isEqualTo(404);
            assertThat(http.post("/oauth2/introspect", ADMIN_KEY, "token=x").status())
                    .isEqualTo(404);
            assertThat(http.post("/oauth2/revoke", ADMIN_KEY, "token=x").status())
                    .isEqualTo(404);
            assertThat(http.post("/oauth2/device_authorization", ADMIN_KEY, "client_id=x")
                            .status())
                    .isEqualTo(404);
            assertThat(http.get("/.well-known/openid-configuration", ADMIN_KEY).status())
                    .isEqualTo(404);
            assertThat(http.get("/userinfo", ADMIN_KEY).status()).isEqualTo(404);
        }
    }

    @Nested
    class Rotation {

        @Test
        void rotationNeedsAnAdminKey() {
            assertThat(http.post("/api/v1/signing-keys/rotate", agentKey, "").status())
                    .isEqualTo(403);
            assertThat(http.post("/api/v1/signing-keys/rotate", null, "").status())
                    .isEqualTo(401);
        }

        @Test
        void oldTokensStayVerifiableUntilTheyExpireAndNewTokensUseTheNewKey() {
            String before = token(agentKey, userKey, "tx-calc");
            String oldKid = verify(before).getHeaders().get("kid").toString();

            Http.Response rotated = http.post("/api/v1/signing-keys/rotate", ADMIN_KEY, "");
            assertThat(rotated.status()).isEqualTo(200);
            String newKid = rotated.json().get("kid").asString();
            assertThat(newKid).isNotEqualTo(oldKid);
            assertThat(rotated.body()).doesNotContain("\"d\"");

            String after = token(agentKey, userKey, "tx-calc");
            assertThat(verify(after).getHeaders()).containsEntry("kid", newKid);
            assertThat(kids()).contains(oldKid, newKid);

            clock.advance(Duration.ofMinutes(4));
            assertThat(verify(before).getSubject()).isEqualTo("key:" + keyId(userKey));

            clock.advance(Duration.ofMinutes(3));
            assertThat(kids()).contains(newKid).doesNotContain(oldKid);
            assertThatThrownBy(() -> verify(before)).isInstanceOf(JwtException.class);
        }

        private List<String> kids() {
            return http.get("/oauth2/jwks", null)
                    .json()
                    .get("keys")
                    .valueStream()
                    .map(key -> key.get("kid").asString())
                    .toList();
        }
    }
}
