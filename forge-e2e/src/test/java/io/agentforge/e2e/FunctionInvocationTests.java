package io.agentforge.e2e;

import static io.agentforge.registry.api.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.Backoff;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.TokenExchanger;
import io.agentforge.client.ToolInvocationException;
import io.agentforge.client.ToolUnavailableException;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.Role;
import io.agentforge.testsupport.ToolStub;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import tools.jackson.databind.JsonNode;

/**
 * A caller invokes a function the way an agent does: discovery through a real registry, a token exchanged at the
 * registry for the tool's name, load-balanced calls to two tool instances that verify that token against the
 * registry's published signing keys (JWKS) — the caller's key never reaches them.
 */
class FunctionInvocationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.1);

    private static RegistryServer registry;
    private static HttpRegistryClient toolClient;
    private static HttpRegistryClient callerClient;
    private static ApiKeyCreated callerKey;
    private static ToolStub first;
    private static ToolStub second;
    private static LeaseKeeper firstKeeper;
    private static LeaseKeeper secondKeeper;
    private static DiscoveryCache cache;
    private static FunctionInvoker invoker;
    private static TokenExchanger tokens;

    @BeforeAll
    static void startRegistryAndTools() throws InterruptedException {
        registry = RegistryServer.start();
        toolClient =
                registry.client(registry.createKey("echo-tool", Role.SERVICE).key());
        callerKey = registry.createKey("agent", Role.CLIENT);
        callerClient = registry.client(callerKey.key());
        JwtDecoder verifier = RegistryTokens.verifier(registry, "echo");
        first = ToolStub.calling((name, body, auth) -> echo("first", verifier, name, body, auth));
        second = ToolStub.calling((name, body, auth) -> echo("second", verifier, name, body, auth));
        firstKeeper = new LeaseKeeper(
                        toolClient,
                        tool("echo", "echo-1", first.endpoint(), "echo_say"),
                        FAST,
                        Clock.systemUTC(),
                        new SplittableRandom())
                .start();
        secondKeeper = new LeaseKeeper(
                        toolClient,
                        tool("echo", "echo-2", second.endpoint(), "echo_say"),
                        FAST,
                        Clock.systemUTC(),
                        new SplittableRandom())
                .start();
        cache = new DiscoveryCache(callerClient, FAST, DiscoveryCache.DEFAULT_IDLE_TIMEOUT, Clock.systemUTC()).start();
        assertThat(cache.awaitCatalog(WAIT)).isTrue();
        await().atMost(WAIT).until(() -> cache.endpoints("echo").size() == 2);
        // The tools are on loopback; the invoker sends tokens exchanged at the registry, never the caller's key.
        tokens = new TokenExchanger(ForgeClientSettings.of(registry.url(), callerKey.key()), Clock.systemUTC());
        invoker = new FunctionInvoker(
                cache,
                InvokerSettings.defaults(),
                tokens,
                new OutboundPolicy(true, false, java.util.List.of()),
                Clock.systemUTC());
    }

    /**
     * The tool: refuses callers without a token the registry signed for {@code echo} (as the starter does), otherwise
     * says who answered, for whom and what it got.
     */
    private static ToolStub.Answer echo(
            String who, JwtDecoder verifier, String function, String body, String authorization) {
        Jwt caller;
        try {
            caller = verifier.decode(authorization == null ? "" : authorization.replaceFirst("^Bearer ", ""));
        } catch (JwtException e) {
            return new ToolStub.Answer(401, "application/problem+json", """
                    {"type":"urn:agentforge:problem:unauthorized","title":"Unauthorized","status":401,
                     "detail":"The caller's token is not valid"}""");
        }
        return ToolStub.Answer.json("{\"instance\":\"" + who + "\",\"function\":\"" + function + "\",\"caller\":\""
                + caller.getClaimAsString("name") + "\",\"subject\":\"" + caller.getSubject() + "\",\"arguments\":"
                + body + "}");
    }

    @AfterAll
    static void stopEverything() {
        invoker.close();
        tokens.close();
        cache.close();
        firstKeeper.close();
        secondKeeper.close();
        first.close();
        second.close();
        toolClient.close();
        callerClient.close();
        registry.close();
    }

    @Test
    void callsAreSpreadOverTheToolsInstancesAndCarryArgumentsAndCaller() {
        await().atMost(WAIT).until(() -> cache.endpoints("echo").size() == 2);
        Map<String, Integer> answeredBy = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            JsonNode result = invoker.invoke("echo_say", Map.of("text", "hello " + i), callerKey.key());

            assertThat(result.path("function").asString()).isEqualTo("echo_say");
            assertThat(result.path("caller").asString()).isEqualTo("agent");
            assertThat(result.path("subject").asString()).isEqualTo("key:" + callerKey.keyId());
            assertThat(result.path("arguments").path("text").asString()).isEqualTo("hello " + i);
            answeredBy.merge(result.path("instance").asString(), 1, Integer::sum);
        }

        assertThat(answeredBy).containsEntry("first", 2).containsEntry("second", 2);
    }

    @Test
    void aCallerTheRegistryDoesNotVouchForGetsTheToolsProblem() {
        // A token the registry did not sign (a key of the caller's own making) reaches the tool, which refuses it.
        try (FunctionInvoker forging = new FunctionInvoker(
                cache,
                InvokerSettings.defaults(),
                (audience, subject) -> RegistryTokens.forged(audience),
                new OutboundPolicy(true, false, java.util.List.of()),
                Clock.systemUTC())) {
            assertThatThrownBy(() -> forging.invoke("echo_say", Map.of("text", "hi"), null))
                    .isInstanceOfSatisfying(ToolInvocationException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.problem().is("unauthorized")).isTrue();
                        assertThat(e.function()).isEqualTo("echo_say");
                    });
        }
    }

    @Test
    void aKeyTheRegistryDoesNotVouchForGetsNoTokenAndNeverReachesTheTool() {
        int calls = first.hits() + second.hits();

        assertThatThrownBy(() -> invoker.invoke("echo_say", Map.of("text", "hi"), "af_forged000_" + "f".repeat(32)))
                .isInstanceOf(ToolUnavailableException.class)
                .hasMessageContaining("invalid_grant");
        assertThat(first.hits() + second.hits()).isEqualTo(calls);
    }

    @Test
    void anInstanceThatStoppedAnsweringIsFailedOver() {
        ToolStub third = ToolStub.calling((name, body, auth) -> ToolStub.Answer.json("{\"instance\":\"third\"}"));
        String endpoint = third.endpoint();
        try (LeaseKeeper keeper = new LeaseKeeper(
                        toolClient,
                        tool("echo", "echo-3", endpoint, "echo_say"),
                        FAST,
                        Clock.systemUTC(),
                        new SplittableRandom())
                .start()) {
            await().atMost(WAIT).until(() -> cache.endpoints("echo").size() == 3);
            // Gone without deregistering (a crash): the catalog still lists it until its lease expires.
            third.close();

            for (int i = 0; i < 6; i++) {
                JsonNode result = invoker.invoke("echo_say", Map.of("text", "x"), callerKey.key());
                assertThat(result.path("instance").asString()).isIn("first", "second");
            }
            assertThat(cache.endpoints("echo"))
                    .anySatisfy(e -> assertThat(e.endpoint()).isEqualTo(endpoint));
        }
        // Closing the keeper deregistered the third instance: the other tests see two again.
        await().atMost(WAIT).until(() -> cache.endpoints("echo").size() == 2);
    }
}
