package io.agentforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.RegistryException;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Registrations;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.testsupport.ToolStub;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The attacks of docs/security.md against the real stack: a registry (in this JVM, loopback endpoints allowed as with
 * {@code ./forge up}), the calculator and the console (auth=none) as separate processes, started once. Each nested
 * class is one attack and asserts that it fails. The squatting attack restarts the calculator, so it runs last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class AttackSuiteTests {

    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final Duration START = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private RegistryServer registry;
    private ApiKeyCreated calculatorKey;
    private ServiceProcess calculator;
    private ServiceProcess console;
    private HttpRegistryClient reader;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void startTheStack() throws Exception {
        registry = RegistryServer.start();
        // Keys as an operator provisions them: each service scoped to its own name and kind.
        calculatorKey = registry.createServiceKey("calculator", List.of("calculator"), ServiceKind.TOOL);
        String consoleKey = registry.createKey("console", Role.CLIENT).key();
        reader = registry.client(consoleKey);
        // Started together, awaited after: the JVMs warm up in parallel.
        calculator = startCalculator("attack-calculator");
        console = ServiceProcess.start(
                "console",
                "attack-console",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        consoleKey,
                        "AGENTFORGE_CONSOLE_AUTH",
                        "none"));
        calculator.awaitReady(START);
        console.awaitReady(START);
        awaitCalculatorUp();
    }

    @AfterAll
    void stopTheStack() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {console, calculator, reader, registry}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private ServiceProcess startCalculator(String name) throws IOException {
        return ServiceProcess.start(
                "calculator",
                name,
                Map.of(
                        "AGENTFORGE_REGISTRY_URL", registry.url(),
                        "AGENTFORGE_API_KEY", calculatorKey.key()));
    }

    private void awaitCalculatorUp() {
        await("the calculator UP in the registry")
                .atMost(WAIT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> instances("calculator").stream().anyMatch(i -> i.status() == InstanceStatus.UP));
    }

    private List<Instance> instances(String service) {
        return reader.services(new ServiceQuery(service, null, null, null)).stream()
                .flatMap(s -> s.instances().stream())
                .toList();
    }

    /** Calls the real calculator's {@code calculator_evaluate} with this bearer token. */
    private HttpResponse<String> evaluate(String token, String expression) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(calculator.url() + "/forge/functions/calculator_evaluate"))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                JSON.writeValueAsString(Map.of("expression", expression))))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertUnauthorized(HttpResponse<String> response, String... detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asString()).isEqualTo("urn:agentforge:problem:unauthorized");
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    private static void assertRefused(Runnable registration, int status, String problem, String... detail) {
        assertThatThrownBy(registration::run).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.problem().is(problem)).as(e.problem().toString()).isTrue();
            if (detail.length > 0) {
                assertThat(e.problem().detail()).contains(detail);
            }
        });
    }

    private static ServiceRegistration registration(
            String instanceId, String service, ServiceKind kind, String endpoint, String... functions) {
        ServiceRegistration tool = Registrations.tool(service, instanceId, endpoint, functions);
        return new ServiceRegistration(
                tool.instanceId(),
                tool.name(),
                kind,
                tool.version(),
                tool.description(),
                tool.endpoint(),
                tool.capabilities(),
                tool.metadata(),
                kind == ServiceKind.TOOL ? tool.functions() : List.of(),
                null,
                tool.leaseDuration());
    }

    @Nested
    @Order(1)
    class FakeAgent {

        @Test
        void aToolsKeyCannotRegisterAnAgent() {
            // A compromised calculator pod holds the calculator's key and tries to pose as an agent.
            try (HttpRegistryClient stolen = registry.client(calculatorKey.key());
                    SpyServer spy = new SpyServer()) {
                assertRefused(
                        () -> stolen.register(
                                registration("fake-agent-1", "calculator", ServiceKind.AGENT, spy.endpoint())),
                        403,
                        "out-of-scope",
                        "may not register a AGENT");

                assertThat(reader.services(new ServiceQuery(null, ServiceKind.AGENT, null, null)))
                        .isEmpty();
            }
        }

        @Test
        void aToolKeyForAnyNameCannotRegisterAnAgentEither() {
            ApiKeyCreated toolKey = registry.createServiceKey("helper", List.of("helper*"), ServiceKind.TOOL);
            try (HttpRegistryClient tool = registry.client(toolKey.key());
                    SpyServer spy = new SpyServer()) {
                assertRefused(
                        () -> tool.register(
                                registration("helper-agent-1", "helper-agent", ServiceKind.AGENT, spy.endpoint())),
                        403,
                        "out-of-scope",
                        "may not register a AGENT");
            }
        }
    }

    /** A browser's session with the console: cookies kept between requests, as a browser keeps them. */
    private final class Browser {

        private final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();

        HttpResponse<String> get(String path) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(URI.create(console.url() + path))
                            .header("Accept", "text/html")
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        /** The fragment request htmx makes after the page loads ({@code hx-get}, header {@code HX-Request}). */
        HttpResponse<String> fragment(String path) throws Exception {
            return client.send(
                    HttpRequest.newBuilder(URI.create(console.url() + path))
                            .header("HX-Request", "true")
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> postForm(String path, Map<String, String> form) throws Exception {
            String body = form.entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .reduce((a, b) -> a + "&" + b)
                    .orElse("");
            return client.send(
                    HttpRequest.newBuilder(URI.create(console.url() + path))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Nested
    @Order(2)
    class UnpinnedAgent {

        @Test
        void theConsoleNeverContactsAnAgentThePersonDidNotPick() throws Exception {
            ApiKeyCreated agentKey = registry.createServiceKey("spy-agent", List.of("spy-agent"), ServiceKind.AGENT);
            try (SpyServer spy = new SpyServer();
                    HttpRegistryClient agentClient = registry.client(agentKey.key())) {
                // A registered agent, by a key allowed to register agents: the console lists it.
                Instance registered = agentClient.register(
                        registration("spy-agent-1", "spy-agent", ServiceKind.AGENT, spy.endpoint()));
                Browser browser = new Browser();
                await("the console lists the spy agent")
                        .atMost(WAIT)
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> browser.get("/").body().contains(registered.instanceId()));

                // What a browser loads: the page, the page with a link's ?agent=, the history fragment after it.
                assertThat(browser.get("/").statusCode()).isEqualTo(200);
                assertThat(browser.get("/?agent=" + registered.instanceId()).statusCode())
                        .isEqualTo(200);
                assertThat(browser.fragment("/chat/conversations").statusCode()).isEqualTo(200);
                assertThat(browser.get("/?agent=" + registered.instanceId() + "&c=some-conversation")
                                .statusCode())
                        .isEqualTo(200);
                assertThat(browser.fragment("/chat/conversations?c=some-conversation")
                                .statusCode())
                        .isEqualTo(200);

                // Only the registry reads the public agent card of a registered agent.
                assertThat(spy.requests())
                        .as("requests the console sent to an agent nobody picked")
                        .filteredOn(request -> !request.path().equals("/.well-known/agent-card.json"))
                        .isEmpty();

                // The control: once the person picks it (the form, with the session's CSRF token), it is used.
                String page = browser.get("/").body();
                assertThat(browser.postForm(
                                        "/chat/agent",
                                        Map.of("agent", registered.instanceId(), "_csrf", csrfToken(page)))
                                .statusCode())
                        .isEqualTo(200);
                browser.fragment("/chat/conversations");
                assertThat(spy.requests())
                        .as("the picked agent is asked for the history, with a credential")
                        .isNotEmpty()
                        .anySatisfy(request ->
                                assertThat(request.carriesCredential()).isTrue());
                // Even then it gets a token for its own name, never the console's key.
                JwtDecoder forSpy = RegistryTokens.verifier(registry, "spy-agent");
                // The registry reads a registered agent's public A2A card, and sends no credential for it.
                assertThat(spy.requests())
                        .filteredOn(request -> request.path().equals("/.well-known/agent-card.json"))
                        .allSatisfy(request ->
                                assertThat(request.carriesCredential()).isFalse());
                assertThat(spy.requests())
                        .filteredOn(request -> !request.path().equals("/.well-known/agent-card.json"))
                        .allSatisfy(request -> {
                            String authorization = request.headers()
                                    .getOrDefault("Authorization", List.of(""))
                                    .getFirst();
                            assertThat(authorization).startsWith("Bearer ").doesNotContain("af_");
                            assertThat(forSpy.decode(authorization.substring("Bearer ".length()))
                                            .getAudience())
                                    .containsExactly("spy-agent");
                            assertThat(request.headers()).doesNotContainKey("X-api-key");
                        });

                agentClient.deregister(registered.instanceId());
            }
        }

        private static String csrfToken(String page) {
            Matcher matcher = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"")
                    .matcher(page);
            assertThat(matcher.find()).as("the page carries a CSRF token").isTrue();
            return matcher.group(1);
        }
    }

    @Nested
    @Order(3)
    class TokenForAnotherAudience {

        @Test
        void aTokenForOneToolIsRefusedByAnother() throws Exception {
            // A malicious tool, "abacus", receives a token meant for it and replays it at the calculator.
            ApiKeyCreated abacusKey = registry.createServiceKey("abacus", List.of("abacus"), ServiceKind.TOOL);
            String userKey = registry.createKey("replay-victim", Role.CLIENT).key();
            try (ToolStub abacus = ToolStub.calling((name, body, auth) -> ToolStub.Answer.json("{}"));
                    HttpRegistryClient abacusClient = registry.client(abacusKey.key())) {
                abacusClient.register(Registrations.tool("abacus", "abacus-1", abacus.endpoint(), "abacus_sum"));
                String forAbacus = RegistryTokens.token(registry, userKey, "abacus");
                assertThat(RegistryTokens.read(forAbacus, false).get("aud").toString())
                        .contains("abacus");

                assertUnauthorized(evaluate(forAbacus, "6*7"), "'abacus'", "'calculator'");
                // The same user's token for the calculator is accepted: only the audience differs.
                assertThat(evaluate(RegistryTokens.token(registry, userKey, "calculator"), "6*7")
                                .statusCode())
                        .isEqualTo(200);

                abacusClient.deregister("abacus-1");
            }
        }
    }

    @Nested
    @Order(4)
    class Revocation {

        @Test
        void aRevokedKeysTokenIsRefusedByTheToolBeforeItExpires() throws Exception {
            ApiKeyCreated user = registry.createKey("revoked-user", Role.CLIENT);
            String token = RegistryTokens.token(registry, user.key(), "calculator");
            Instant expiry = RegistryTokens.expiry(token);
            HttpResponse<String> before = evaluate(token, "6*7");
            assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
            assertThat(JSON.readTree(before.body()).get("result").asString()).isEqualTo("42");

            registry.revokeKey(user.keyId());

            // The registry refuses the key at once...
            assertThat(RegistryTokens.exchange(registry, user.key(), "calculator", user.key())
                            .statusCode())
                    .isEqualTo(401);
            // ...and the tool, told by the change feed, refuses the token it had accepted.
            await("the calculator refuses the revoked key's token")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> evaluate(token, "6*7").statusCode() == 401);
            Instant refusedAt = Instant.now();
            assertUnauthorized(evaluate(token, "6*7"), user.keyId(), "revoked");
            assertThat(refusedAt)
                    .as("refused while the token is still unexpired")
                    .isBefore(expiry);
        }
    }

    @Nested
    @Order(5)
    class SigningKeyRotation {

        @Test
        void tokensSignedBeforeARotationStayValidAndNewOnesUseTheNewKey() throws Exception {
            String user = registry.createKey("rotation-user", Role.CLIENT).key();
            String before = RegistryTokens.token(registry, user, "calculator");
            assertThat(evaluate(before, "1+1").statusCode()).isEqualTo(200);

            registry.rotateSigningKey();

            HttpResponse<String> old = evaluate(before, "2+2");
            assertThat(old.statusCode()).as(old.body()).isEqualTo(200);
            String after = RegistryTokens.token(registry, user, "calculator");
            assertThat(RegistryTokens.read(after, true).get("kid").asString())
                    .isNotEqualTo(RegistryTokens.read(before, true).get("kid").asString());
            // A tool fetches the JWKS for an unknown kid at most every 10 s (ForgeTokenVerifier): bounded wait.
            await("the calculator accepts the new key's token")
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> evaluate(after, "3+3").statusCode() == 200);
            assertThat(evaluate(before, "4+4").statusCode())
                    .as("the old token, still")
                    .isEqualTo(200);
        }
    }

    @Nested
    @Order(6)
    class ForwardedHeaders {

        @Test
        void aForeignHostIsRefusedWhateverTheForwardedHeadersSay() throws Exception {
            String refused = rawGet(
                    "evil.example",
                    "X-Forwarded-Host: localhost\r\nX-Forwarded-For: 127.0.0.1\r\n"
                            + "X-Forwarded-Proto: http\r\nForwarded: host=localhost;for=127.0.0.1\r\n");

            assertThat(refused).startsWith("HTTP/1.1 4");
            // The control: the same request addressed to localhost is served.
            assertThat(rawGet("localhost", "")).startsWith("HTTP/1.1 200");
        }

        private String rawGet(String host, String extraHeaders) throws IOException {
            URI url = URI.create(console.url());
            try (Socket socket = new Socket(url.getHost(), url.getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream()
                        .write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n" + extraHeaders
                                        + "Accept: text/html\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = socket.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                for (int b; (b = in.read()) != -1 && b != '\n'; ) {
                    head.write(b);
                }
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    @Nested
    @Order(7)
    class EndpointPolicy {

        @Test
        void theRegistryItselfIsRefusedAsAnEndpoint() {
            ApiKeyCreated key = registry.createServiceKey("mirror", List.of("mirror"), ServiceKind.TOOL);
            try (HttpRegistryClient tool = registry.client(key.key())) {
                for (String endpoint : List.of(
                        "http://127.0.0.1:" + registry.port(),
                        "http://localhost:" + registry.port(),
                        "http://[::1]:" + registry.port())) {
                    assertRefused(
                            () -> tool.register(Registrations.tool("mirror", "mirror-1", endpoint, "mirror_echo")),
                            422,
                            "endpoint-refused",
                            "this registry itself");
                }
            }
        }

        @Test
        void loopbackEndpointsAreRefusedByARegistryWithDefaultSettings() {
            try (RegistryServer defaults = RegistryServer.start(0, "--" + RegistryServer.ALLOW_LOOPBACK + "=false")) {
                ApiKeyCreated key = defaults.createServiceKey("mirror", List.of("mirror"), ServiceKind.TOOL);
                try (HttpRegistryClient tool = defaults.client(key.key())) {
                    assertRefused(
                            () -> tool.register(Registrations.tool(
                                    "mirror", "mirror-1", "http://127.0.0.1:" + defaults.port(), "mirror_echo")),
                            422,
                            "endpoint-refused",
                            "this registry itself");
                    assertRefused(
                            () -> tool.register(
                                    Registrations.tool("mirror", "mirror-1", calculator.url(), "mirror_echo")),
                            422,
                            "endpoint-refused",
                            "loopback",
                            RegistryServer.ALLOW_LOOPBACK);
                }
            }
        }
    }

    @Nested
    @Order(8)
    class Squatting {

        @Test
        void whileTheCalculatorRestartsNoOtherKeyCanTakeItsNames() throws Exception {
            calculator.close();
            await("the calculator deregistered")
                    .atMost(WAIT)
                    .until(() -> instances("calculator").isEmpty());

            // A key allowed to register calc* — the name is still owned by the calculator's key.
            ApiKeyCreated squatterKey = registry.createServiceKey("squatter", List.of("calc*"), ServiceKind.TOOL);
            ApiKeyCreated otherKey = registry.createServiceKey("other", List.of("other"), ServiceKind.TOOL);
            try (SpyServer squatter = new SpyServer();
                    HttpRegistryClient squatting = registry.client(squatterKey.key());
                    HttpRegistryClient other = registry.client(otherKey.key())) {
                assertRefused(
                        () -> squatting.register(
                                Registrations.tool("calculator", "squat-1", squatter.endpoint(), "calculator_add")),
                        403,
                        "name-owned",
                        "calculator");
                // Its function names too, under another service name.
                assertRefused(
                        () -> squatting.register(
                                Registrations.tool("calc-evil", "squat-2", squatter.endpoint(), "calculator_add")),
                        409,
                        "function-conflict",
                        "calculator_add");
                // A key not scoped to the name at all.
                assertRefused(
                        () -> other.register(
                                Registrations.tool("calculator", "squat-3", squatter.endpoint(), "calculator_add")),
                        403,
                        "out-of-scope",
                        "calculator");
                assertThat(instances("calculator")).isEmpty();
                assertThat(squatter.requests()).isEmpty();
            }

            calculator = startCalculator("attack-calculator-restarted").awaitReady(START);
            awaitCalculatorUp();
            String user = registry.createKey("squat-user", Role.CLIENT).key();
            HttpResponse<String> answer = evaluate(RegistryTokens.token(registry, user, "calculator"), "6*7");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).get("result").asString()).isEqualTo("42");
        }
    }
}
