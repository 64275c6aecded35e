package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.tool;
import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.TestRegistryConfiguration;
import io.agentforge.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** JWTs of an external OpenID Connect issuer (a real HTTP server here) as subject tokens. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "agentforge.registry.security.admin-key=" + ADMIN_KEY,
            "agentforge.registry.security.jwt-audience=agent-forge",
            "agentforge.registry.lease.sweep-interval=1h",
            "agentforge.registry.health.tick=1h"
        })
@Import(TestRegistryConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalIssuerTokenTests {

    static final HttpServer ISSUER;
    static final ECKey ISSUER_KEY;
    static final String ISSUER_URL;

    static {
        try {
            ISSUER_KEY = new ECKeyGenerator(Curve.P_256).keyID("idp-1").generate();
            ISSUER = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ISSUER_URL = "http://127.0.0.1:" + ISSUER.getAddress().getPort();
            String configuration = Http.JSON.writeValueAsString(Map.of(
                    "issuer",
                    ISSUER_URL,
                    "jwks_uri",
                    ISSUER_URL + "/jwks",
                    "subject_types_supported",
                    List.of("public"),
                    "id_token_signing_alg_values_supported",
                    List.of("ES256")));
            serve("/.well-known/openid-configuration", configuration);
            serve("/jwks", new JWKSet(ISSUER_KEY.toPublicJWK()).toString());
            ISSUER.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static void serve(String path, String json) {
        ISSUER.createContext(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @DynamicPropertySource
    static void issuer(DynamicPropertyRegistry registry) {
        registry.add("agentforge.registry.security.jwt-issuer-uri", () -> ISSUER_URL);
    }

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Http http;
    String consoleKey;

    @BeforeAll
    void setUp() {
        http = new Http("http://127.0.0.1:" + port);
        String toolKey = http.post(
                        "/api/v1/keys",
                        ADMIN_KEY,
                        Map.of("name", "ext-tool", "roles", List.of("service"), "services", List.of("ext-tool")))
                .as(ApiKeyCreated.class)
                .key();
        consoleKey = http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "ext-console", "roles", List.of("client")))
                .as(ApiKeyCreated.class)
                .key();
        assertThat(http.post("/api/v1/instances", toolKey, tool("ext-tool-1", "ext-tool"))
                        .status())
                .isEqualTo(201);
    }

    @AfterAll
    void stopIssuer() {
        ISSUER.stop(0);
    }

    String userJwt(String audience, Instant expiresAt) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("idp-1").build(),
                new JWTClaimsSet.Builder()
                        .issuer(ISSUER_URL)
                        .subject("bob")
                        .audience(audience)
                        .claim("name", "Bob")
                        .issueTime(Date.from(clock.instant()))
                        .expirationTime(Date.from(expiresAt))
                        .build());
        jwt.sign(new ECDSASigner(ISSUER_KEY));
        return jwt.serialize();
    }

    Http.Response exchange(String subject) {
        String form = "grant_type="
                + URLEncoder.encode("urn:ietf:params:oauth:grant-type:token-exchange", StandardCharsets.UTF_8)
                + "&subject_token_type="
                + URLEncoder.encode("urn:ietf:params:oauth:token-type:jwt", StandardCharsets.UTF_8)
                + "&audience=ext-tool&subject_token="
                + subject;
        return http.send(http.request("/oauth2/token", consoleKey)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    @Test
    void anExternalUsersJwtBecomesATokenAboutThatUser() throws Exception {
        Http.Response response = exchange(userJwt("agent-forge", clock.instant().plus(Duration.ofMinutes(10))));

        assertThat(response.status()).as(response.body()).isEqualTo(200);
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(http.baseUrl() + "/oauth2/jwks")
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);
        expiry.setClock(clock);
        decoder.setJwtValidator(expiry);
        Jwt jwt = decoder.decode(response.json().get("access_token").asString());
        assertThat(jwt.getSubject()).isEqualTo("jwt:bob");
        assertThat(jwt.getClaimAsString("name")).isEqualTo("Bob");
        assertThat(jwt.getClaimAsStringList("roles")).containsExactly("client");
        assertThat(jwt.getClaimAsMap("act")).containsEntry("name", "ext-console");
    }

    @Test
    void anExternalJwtForAnotherAudienceOrExpiredIsAnInvalidGrant() throws Exception {
        Http.Response otherAudience =
                exchange(userJwt("some-other-app", clock.instant().plus(Duration.ofMinutes(10))));
        Http.Response expired = exchange(userJwt("agent-forge", clock.instant().minus(Duration.ofMinutes(2))));

        assertThat(otherAudience.status()).as(otherAudience.body()).isEqualTo(400);
        assertThat(otherAudience.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(expired.status()).isEqualTo(400);
        assertThat(expired.json().get("error").asString()).isEqualTo("invalid_grant");
    }
}
