package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.SseSubscription;
import io.agentforge.registry.support.TestPostgres;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Two registry replicas, each a full application on its own port, sharing one embedded PostgreSQL: they must give
 * the same answers, and a change made through one must reach the change-feed subscribers of the other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresReplicasTests {

    private static final String ADMIN_KEY = "af_pgadmin0001_abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String CONFIGURED_KEY = "af_pgconfig001_configured-secret-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private String databaseUrl;
    private ConfigurableApplicationContext first;
    private ConfigurableApplicationContext second;
    private Http a;
    private Http b;
    private String serviceKey;

    @BeforeAll
    void startReplicas() {
        databaseUrl = TestPostgres.newDatabaseUrl();
        first = start();
        second = start();
        a = http(first);
        b = http(second);
        serviceKey = a.post(
                        "/api/v1/keys",
                        ADMIN_KEY,
                        Map.of(
                                "name",
                                "pg-svc",
                                "roles",
                                List.of("service"),
                                "services",
                                List.of("pg*"),
                                "kinds",
                                List.of("TOOL", "AGENT")))
                .as(ApiKeyCreated.class)
                .key();
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--agentforge.registry.store=postgres",
                        "--spring.datasource.url=" + databaseUrl,
                        "--spring.datasource.username=postgres",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--agentforge.registry.security.service-keys=pg-configured:service:services=pgcfg:"
                                + CONFIGURED_KEY,
                        "--agentforge.registry.renewal-flush-interval=100ms",
                        // A rotation on one replica is visible at the other's JWKS on the next request.
                        "--agentforge.registry.token.key-reload-min-gap=0s",
                        "--spring.jmx.enabled=false");
    }

    private static Http http(ConfigurableApplicationContext context) {
        return new Http("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    /** The first event of this type that matches, or null when none came within the wait. */
    private static ChangeEvent next(SseSubscription feed, String type, Predicate<ChangeEvent> matching)
            throws InterruptedException {
        for (SseSubscription.Event event = feed.next(type, WAIT); event != null; event = feed.next(type, WAIT)) {
            ChangeEvent change = Http.JSON.readValue(event.data(), ChangeEvent.class);
            if (matching.test(change)) {
                return change;
            }
        }
        return null;
    }

    @AfterAll
    void stop() {
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
    }

    @Test
    void bothReplicasGiveTheSameAnswers() {
        assertThat(a.post("/api/v1/instances", serviceKey, tool("pg-1", "pgtool", "pgtool_fn"))
                        .status())
                .isEqualTo(201);

        assertThat(b.get("/api/v1/instances/pg-1", serviceKey)
                        .as(Instance.class)
                        .name())
                .isEqualTo("pgtool");
        Http.Response catalogA = a.get("/api/v1/catalog", serviceKey);
        // The other replica learns of the change from PostgreSQL's notification, a moment after the write.
        Http.Response catalogB = Awaitility.await("replica b's catalog at replica a's version")
                .atMost(Duration.ofSeconds(20))
                .until(
                        () -> b.get("/api/v1/catalog", serviceKey),
                        response -> catalogA.header("ETag").equals(response.header("ETag")));
        assertThat(catalogB.body()).contains("pgtool_fn");
        assertThat(b.get("/api/v1/status", serviceKey).json().get("store").asString())
                .isEqualTo("postgres");
    }

    @Test
    void aChangeMadeThroughOneReplicaReachesSubscribersOfTheOther() throws Exception {
        try (SseSubscription feed = new SseSubscription(
                b.request("/api/v1/events", serviceKey).GET().build())) {
            assertThat(feed.status()).isEqualTo(200);

            a.post("/api/v1/instances", serviceKey, tool("pg-feed-1", "pgfeed"));

            // The other replica may still hand out events of earlier tests first.
            ChangeEvent event =
                    next(feed, "registered", e -> e.instance().instanceId().equals("pg-feed-1"));
            assertThat(event).isNotNull();
        }
    }

    @Test
    void aFunctionNameIsUniqueAcrossReplicas() {
        a.post("/api/v1/instances", serviceKey, tool("pg-own-1", "pgowner", "pgowner_fn"));

        Http.Response conflict = b.post("/api/v1/instances", serviceKey, tool("pg-thief-1", "pgthief", "pgowner_fn"));

        assertThat(conflict.status()).isEqualTo(409);
    }

    @Test
    void anInstanceRegisteredThroughOneReplicaIsRenewedAndRemovedThroughTheOther() {
        a.post("/api/v1/instances", serviceKey, tool("pg-renew-1", "pgrenew"));

        assertThat(b.put("/api/v1/instances/pg-renew-1/lease", serviceKey).status())
                .isEqualTo(200);
        assertThat(b.delete("/api/v1/instances/pg-renew-1", serviceKey).status())
                .isEqualTo(204);
        assertThat(a.get("/api/v1/instances/pg-renew-1", serviceKey).status()).isEqualTo(404);
    }

    @Test
    void aLeaseThatEndsExpiresAndEveryReplicaAnnouncesIt() throws Exception {
        try (SseSubscription feed = new SseSubscription(
                        b.request("/api/v1/events", serviceKey).GET().build());
                SseSubscription feedOfA = new SseSubscription(
                        a.request("/api/v1/events", serviceKey).GET().build())) {
            assertThat(feed.status()).isEqualTo(200);
            assertThat(feedOfA.status()).isEqualTo(200);
            ServiceRegistration shortLease = new ServiceRegistration(
                    "pg-short-1",
                    "pgshort",
                    ServiceKind.AGENT,
                    null,
                    null,
                    "http://192.0.2.1:9",
                    null,
                    null,
                    null,
                    null,
                    Duration.ofSeconds(1));
            a.post("/api/v1/instances", serviceKey, shortLease);

            SseSubscription.Event expired = feed.next("expired", WAIT);
            SseSubscription.Event expiredOnA = feedOfA.next("expired", WAIT);

            assertThat(expired).isNotNull();
            assertThat(expired.data()).contains("pg-short-1");
            assertThat(expiredOnA).isNotNull();
            assertThat(expiredOnA.data()).contains("pg-short-1");
            // The replica that registered it answers renewals from memory; having read the expiry, it refuses them.
            assertThat(a.put("/api/v1/instances/pg-short-1/lease", serviceKey).status())
                    .isEqualTo(404);
        }
    }

    String token(Http replica, String audience) {
        Http.Response response = replica.send(replica.request("/oauth2/token", serviceKey)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=urn:ietf:params:oauth:grant-type:token-exchange"
                        + "&subject_token_type=urn:ietf:params:oauth:token-type:access_token&audience=" + audience
                        + "&subject_token=" + serviceKey)));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().get("access_token").asString();
    }

    static Jwt verifyAt(Http replica, String token) {
        return NimbusJwtDecoder.withJwkSetUri(replica.baseUrl() + "/oauth2/jwks")
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build()
                .decode(token);
    }

    @Test
    void replicasShareTheSigningKeysAlsoAcrossARotation() {
        a.post("/api/v1/instances", serviceKey, tool("pg-tok-1", "pgtok"));
        String before = token(a, "pgtok");
        assertThat(verifyAt(b, before).getSubject()).startsWith("key:");

        Http.Response rotated = a.post("/api/v1/signing-keys/rotate", ADMIN_KEY, "");
        assertThat(rotated.status()).isEqualTo(200);
        String newKid = rotated.json().get("kid").asString();

        String after = token(a, "pgtok");
        assertThat(verifyAt(b, after).getHeaders()).containsEntry("kid", newKid);
        assertThat(verifyAt(b, before).getSubject())
                .isEqualTo(verifyAt(a, after).getSubject());
        // Replica b signs with the new key as well once it has seen it.
        assertThat(verifyAt(a, token(b, "pgtok")).getHeaders()).containsEntry("kid", newKid);
    }

    @Test
    void keysSurviveARestart() {
        ApiKeyCreated key = a.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "durable", "roles", List.of("client")))
                .as(ApiKeyCreated.class);
        a.post("/api/v1/instances", serviceKey, tool("pg-restart-1", "pgrestart"));
        String token = token(a, "pgrestart");
        ConfigurableApplicationContext restarted = start();
        try {
            Http fresh = http(restarted);
            assertThat(verifyAt(fresh, token).getAudience()).containsExactly("pgrestart");
            assertThat(fresh.get("/api/v1/status", key.key()).status()).isEqualTo(200);
            assertThat(fresh.get("/api/v1/keys", ADMIN_KEY).body()).contains(key.keyId());
        } finally {
            restarted.close();
        }
    }

    @Test
    void aNameIsOwnedAcrossReplicasUntilAnAdminReleasesIt() {
        String other = a.post(
                        "/api/v1/keys",
                        ADMIN_KEY,
                        Map.of("name", "pg-other", "roles", List.of("service"), "services", List.of("pgowned")))
                .as(ApiKeyCreated.class)
                .key();
        assertThat(a.post("/api/v1/instances", serviceKey, tool("pg-owned-1", "pgowned", "pgowned_fn"))
                        .status())
                .isEqualTo(201);
        assertThat(b.delete("/api/v1/instances/pg-owned-1", serviceKey).status())
                .isEqualTo(204);

        assertThat(b.post("/api/v1/instances", other, tool("pg-squat-1", "pgowned"))
                        .status())
                .isEqualTo(403);
        assertThat(a.post("/api/v1/instances", serviceKey, tool("pg-fn-1", "pgfn", "pgowned_fn"))
                        .status())
                .as("the function stays with its service while no instance is live")
                .isEqualTo(409);
        assertThat(b.delete("/api/v1/services/pgowned/owner", ADMIN_KEY).status())
                .isEqualTo(204);
        assertThat(a.post("/api/v1/instances", other, tool("pg-squat-1", "pgowned"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aRevocationThroughOneReplicaReachesSubscribersOfTheOther() throws Exception {
        ApiKeyCreated doomed = a.post(
                        "/api/v1/keys", ADMIN_KEY, Map.of("name", "pg-doomed", "roles", List.of("client")))
                .as(ApiKeyCreated.class);
        try (SseSubscription feed = new SseSubscription(
                b.request("/api/v1/events", serviceKey).GET().build())) {
            assertThat(feed.status()).isEqualTo(200);

            assertThat(a.delete("/api/v1/keys/" + doomed.keyId(), ADMIN_KEY).status())
                    .isEqualTo(204);

            ChangeEvent event = next(feed, "key-revoked", e -> e.keyId().equals(doomed.keyId()));
            assertThat(event).isNotNull();
            assertThat(event.instance()).isNull();
        }
    }

    @Test
    void aConfiguredKeyRevokedThroughTheApiStaysRevokedAfterARestart() {
        assertThat(a.get("/api/v1/status", CONFIGURED_KEY).status()).isEqualTo(200);
        assertThat(a.delete("/api/v1/keys/pgconfig001", ADMIN_KEY).status()).isEqualTo(204);

        ConfigurableApplicationContext restarted = start();
        try {
            Http fresh = http(restarted);
            assertThat(fresh.get("/api/v1/status", CONFIGURED_KEY).status()).isEqualTo(401);
            assertThat(fresh.get("/api/v1/keys", ADMIN_KEY)
                            .json()
                            .valueStream()
                            .filter(k -> k.get("keyId").asString().equals("pgconfig001"))
                            .findFirst()
                            .orElseThrow()
                            .get("revokedAt")
                            .isNull())
                    .isFalse();
        } finally {
            restarted.close();
        }
    }
}
