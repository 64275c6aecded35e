package io.agentforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.registry.RegistryApplication;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.io.IOException;
import java.io.OutputStream;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The console (api-key login) against a real registry, over real HTTP, with spy servers registered as an agent and a
 * tool that record the {@code Authorization} header of every request: the console sends each a short-lived JWT the
 * registry issued for that service on behalf of the signed-in person — never a key.
 */
class OnBehalfOfHttpTests {

    private static final String ADMIN_KEY = "af_obotest0001_abcdefghijklmnopqrstuvwxyz0123456789";
    private static final JsonMapper JSON = ForgeJacksonModule.mapper();

    private static ConfigurableApplicationContext registry;
    private static ConfigurableApplicationContext console;
    private static HttpServer spies;
    private static HttpRegistryClient services;
    private static String registryUrl;
    private static String consoleUrl;
    private static String consoleKey;
    private static String userKey;
    private static final List<String> agentAuthorizations = new CopyOnWriteArrayList<>();
    private static final List<String> toolAuthorizations = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTheStack() throws IOException {
        registry = new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        // Not the console's application.yml, which comes first on this classpath.
                        "--spring.config.name=forge-registry-on-behalf-tests",
                        "--spring.threads.virtual.enabled=true",
                        "--spring.mvc.problemdetails.enabled=true",
                        "--logging.level.root=WARN",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--agentforge.registry.allow-loopback-endpoints=true");
        registryUrl = "http://127.0.0.1:" + registry.getEnvironment().getRequiredProperty("local.server.port");
        consoleKey = createKey(new ApiKeyRequest("console", EnumSet.of(Role.CLIENT)));
        userKey = createKey(new ApiKeyRequest("alice", EnumSet.of(Role.CLIENT)));
        String serviceKey = createKey(new ApiKeyRequest(
                "spies",
                EnumSet.of(Role.SERVICE),
                List.of("spy-agent", "spy-tool"),
                Set.of(ServiceKind.TOOL, ServiceKind.AGENT)));

        spies = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        spies.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        // Both spies are healthy for the registry's probes (endpoint + /actuator/health).
        for (String spy : List.of("/agent", "/tool")) {
            spies.createContext(
                    spy + "/actuator/health", exchange -> respond(exchange, "application/json", "{\"status\":\"UP\"}"));
        }
        spies.createContext("/agent/api/v1/chat/stream", exchange -> {
            agentAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            respond(
                    exchange,
                    "text/event-stream",
                    "event:done\ndata:{\"conversationId\":\"c-1\",\"answer\":\"ok\","
                            + "\"steps\":[],\"model\":\"spy\",\"usage\":{},\"durationMs\":1}\n\n");
        });
        spies.createContext("/agent/api/v1/conversations", exchange -> {
            agentAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            respond(exchange, "application/json", "[]");
        });
        spies.createContext("/tool/forge/functions/spy_echo", exchange -> {
            toolAuthorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            respond(exchange, "application/json", "{\"echoed\":true}");
        });
        spies.start();
        String spyUrl = "http://127.0.0.1:" + spies.getAddress().getPort();

        services = new HttpRegistryClient(new ForgeClientSettings(
                URI.create(registryUrl), serviceKey, Duration.ofSeconds(2), Duration.ofSeconds(5)));
        services.register(new ServiceRegistration(
                "spy-agent-1",
                "spy-agent",
                ServiceKind.AGENT,
                "1.0.0",
                "A spy",
                spyUrl + "/agent",
                List.of(),
                Map.of(),
                List.of(),
                new HealthCheck("/actuator/health", Duration.ofSeconds(5)),
                Duration.ofHours(1)));
        services.register(new ServiceRegistration(
                "spy-tool-1",
                "spy-tool",
                ServiceKind.TOOL,
                "1.0.0",
                "A spy",
                spyUrl + "/tool",
                List.of(),
                Map.of(),
                List.of(new FunctionDescriptor(
                        "spy_echo",
                        "Echoes",
                        Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))),
                        null)),
                new HealthCheck("/actuator/health", Duration.ofSeconds(5)),
                Duration.ofHours(1)));

        console = new SpringApplicationBuilder(ConsoleApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        "--agentforge.console.auth=api-key",
                        "--agentforge.console.secure-cookie=false",
                        "--agentforge.registry-url=" + registryUrl,
                        "--agentforge.api-key=" + consoleKey);
        consoleUrl = "http://127.0.0.1:" + console.getEnvironment().getRequiredProperty("local.server.port");
    }

    @AfterAll
    static void stopTheStack() {
        if (console != null) {
            console.close();
        }
        if (services != null) {
            services.close();
        }
        if (spies != null) {
            spies.stop(0);
        }
        if (registry != null) {
            registry.close();
        }
    }

    @Test
    void theAgentGetsAJwtForItsOwnNameWithTheSignedInUserAsSubjectAndTheConsoleAsActor() throws Exception {
        Browser browser = Browser.signIn(userKey);
        browser.post("/chat/agent", "agent=spy-agent-1");
        int before = agentAuthorizations.size();

        HttpResponse<String> stream = browser.stream("{\"message\":\"hi\"}");

        assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
        assertThat(stream.body()).contains("event:done");
        List<String> sent = agentAuthorizations.subList(before, agentAuthorizations.size());
        assertThat(sent)
                .isNotEmpty()
                .allSatisfy(header -> assertThat(header).startsWith("Bearer ey").doesNotContain("af_"));
        JsonNode claims = claims(sent.getLast());
        assertThat(audience(claims)).containsExactly("spy-agent");
        assertThat(claims.get("sub").asString()).isEqualTo("key:" + keyId(userKey));
        assertThat(claims.get("act").get("sub").asString()).isEqualTo("key:" + keyId(consoleKey));
        assertThat(agentAuthorizations)
                .as("no key ever reached the agent")
                .allSatisfy(header -> assertThat(header).doesNotContain("af_"));
    }

    @Test
    void theToolsPageSendsTheToolAJwtForItsOwnNameWithTheSignedInUserAsSubject() throws Exception {
        Browser browser = Browser.signIn(userKey);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> browser.get("/tools").body().contains("spy_echo"));

        HttpResponse<String> result = browser.post("/tools/spy_echo/invoke", "arg.text=hello");

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.body()).contains("echoed");
        assertThat(toolAuthorizations)
                .isNotEmpty()
                .allSatisfy(header -> assertThat(header).startsWith("Bearer ey").doesNotContain("af_"));
        JsonNode claims = claims(toolAuthorizations.getLast());
        assertThat(audience(claims)).containsExactly("spy-tool");
        assertThat(claims.get("sub").asString()).isEqualTo("key:" + keyId(userKey));
        assertThat(claims.get("act").get("sub").asString()).isEqualTo("key:" + keyId(consoleKey));
    }

    @Test
    void aRefusedExchangeIsAProblemAndNothingReachesTheAgent() throws Exception {
        String revokedKey = createKey(new ApiKeyRequest("mallory", EnumSet.of(Role.CLIENT)));
        Browser browser = Browser.signIn(revokedKey);
        browser.post("/chat/agent", "agent=spy-agent-1");
        revoke(keyId(revokedKey));
        int before = agentAuthorizations.size();

        HttpResponse<String> stream = browser.stream("{\"message\":\"hi\"}");

        assertThat(stream.statusCode()).isEqualTo(401);
        assertThat(stream.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(stream.body());
        assertThat(problem.get("type").asString()).isEqualTo("urn:agentforge:problem:token-exchange");
        assertThat(problem.get("detail").asString())
                .contains("spy-agent", "invalid_grant")
                .doesNotContain(revokedKey);
        assertThat(agentAuthorizations).as("nothing was sent to the agent").hasSize(before);
    }

    /** A browser session at the console: cookies, and the CSRF token of the last page. */
    private static final class Browser {

        private static final Pattern CSRF =
                Pattern.compile("(?:name=\"_csrf\"\\s+value|name=\"csrf-token\"\\s+content)=\"([^\"]+)\"");
        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        private String csrf;

        static Browser signIn(String key) throws Exception {
            Browser browser = new Browser();
            browser.get("/login");
            HttpResponse<String> login = browser.post("/login", "apiKey=" + encode(key));
            assertThat(login.statusCode()).as("signing in").isEqualTo(302);
            assertThat(login.headers().firstValue("Location"))
                    .hasValueSatisfying(location -> assertThat(location).doesNotContain("error"));
            browser.get("/");
            return browser;
        }

        HttpResponse<String> get(String path) throws Exception {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(consoleUrl + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher token = CSRF.matcher(response.body());
            if (token.find()) {
                csrf = token.group(1);
            }
            return response;
        }

        HttpResponse<String> post(String path, String form) throws Exception {
            return http.send(
                    HttpRequest.newBuilder(URI.create(consoleUrl + path))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form + "&_csrf=" + encode(csrf)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> stream(String json) throws Exception {
            return http.send(
                    HttpRequest.newBuilder(URI.create(consoleUrl + "/chat/stream"))
                            .header("Content-Type", "application/json")
                            .header("Accept", "text/event-stream")
                            .header("X-CSRF-TOKEN", csrf)
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    private static JsonNode claims(String authorization) {
        String[] parts = authorization.substring("Bearer ".length()).split("\\.");
        assertThat(parts).as("a JWT").hasSize(3);
        return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    }

    // aud is one string or an array of them.
    private static List<String> audience(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        return aud.isArray() ? aud.valueStream().map(JsonNode::asString).toList() : List.of(aud.asString());
    }

    private static String keyId(String key) {
        return key.substring(3, key.indexOf('_', 3));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String createKey(ApiKeyRequest request) throws IOException {
        HttpResponse<byte[]> response = registryCall(HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/keys"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))));
        assertThat(response.statusCode()).as("creating a key").isEqualTo(201);
        return JSON.readValue(response.body(), ApiKeyCreated.class).key();
    }

    private static void revoke(String keyId) throws IOException {
        HttpResponse<byte[]> response =
                registryCall(HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/keys/" + keyId))
                        .DELETE());
        assertThat(response.statusCode()).as("revoking a key").isIn(200, 204);
    }

    private static HttpResponse<byte[]> registryCall(HttpRequest.Builder request) throws IOException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                    request.header("Authorization", "Bearer " + ADMIN_KEY).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
