package io.agentforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * An expired token is refused by a real tool: a registry issuing tokens that live 3 s, the calculator as a process.
 * Tools allow 30 s of clock skew past {@code exp} (ForgeTokenVerifier), so the refusal is awaited, bounded, and
 * asserted on state: the token's {@code exp} has passed when it is refused, and it was accepted before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
class ExpiredTokenTests {

    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final Duration TTL = Duration.ofSeconds(3);
    /** The tools' clock skew (30 s) and room for a slow machine. */
    private static final Duration EXPIRY_WAIT = Duration.ofSeconds(60);

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private RegistryServer registry;
    private ServiceProcess calculator;

    @BeforeAll
    void startRegistryAndCalculator() throws Exception {
        registry = RegistryServer.start(0, "--agentforge.registry.token.ttl=" + TTL.toSeconds() + "s");
        calculator = ServiceProcess.start(
                        "calculator",
                        "expiry-calculator",
                        Map.of(
                                "AGENTFORGE_REGISTRY_URL", registry.url(),
                                "AGENTFORGE_API_KEY",
                                        registry.createServiceKey("calculator", List.of("calculator"), ServiceKind.TOOL)
                                                .key()))
                .awaitReady(Duration.ofSeconds(120));
        try (HttpRegistryClient reader =
                registry.client(registry.createKey("reader", Role.CLIENT).key())) {
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> reader.services(new ServiceQuery("calculator", null, null, InstanceStatus.UP)).stream()
                                    .mapToLong(s -> s.instances().size())
                                    .sum()
                            > 0);
        }
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {calculator, registry}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private HttpResponse<String> evaluate(String token) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(calculator.url() + "/forge/functions/calculator_evaluate"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"expression\":\"6*7\"}"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String user = registry.createKey("expiry-user", Role.CLIENT).key();
        String token = RegistryTokens.token(registry, user, "calculator");
        Instant expiry = RegistryTokens.expiry(token);
        assertThat(Duration.between(
                        Instant.ofEpochSecond(
                                RegistryTokens.read(token, false).get("iat").asLong()),
                        expiry))
                .isEqualTo(TTL);
        HttpResponse<String> fresh = evaluate(token);
        assertThat(fresh.statusCode()).as(fresh.body()).isEqualTo(200);

        await("the calculator refuses the expired token")
                .atMost(EXPIRY_WAIT)
                .pollInterval(Duration.ofMillis(500))
                .until(() -> evaluate(token).statusCode() == 401);

        HttpResponse<String> refused = evaluate(token);
        assertThat(Instant.now()).as("refused only once expired").isAfter(expiry);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(refused.body()).get("type").asString())
                .isEqualTo("urn:agentforge:problem:unauthorized");
        assertThat(JSON.readTree(refused.body()).get("detail").asString()).contains("expired");
        // A fresh token from the registry is accepted again.
        assertThat(evaluate(RegistryTokens.token(registry, user, "calculator")).statusCode())
                .isEqualTo(200);
    }
}
