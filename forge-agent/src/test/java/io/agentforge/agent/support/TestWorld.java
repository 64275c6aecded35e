package io.agentforge.agent.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.sun.net.httpserver.HttpServer;
import io.agentforge.registry.RegistryApplication;
import io.agentforge.registry.api.ForgeJacksonModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's surroundings for one test class, all real over loopback: a registry, a calculator-like tool
 * registered in it, and WireMock speaking the OpenAI Chat Completions wire format.
 */
public final class TestWorld implements AutoCloseable {

    public static final String ADMIN_KEY = "af_agenttest01_abcdefghijklmnopqrstuvwxyz0123456789";
    public static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final ConfigurableApplicationContext registry;
    public final String registryUrl;
    public final String agentKey;
    public final String clientKey;
    public final String otherClientKey;
    public final WireMockServer llm;
    public final HttpServer tool;
    /** Every expression the tool was asked to evaluate. */
    public final List<String> toolCalls = new CopyOnWriteArrayList<>();
    /** The Authorization header of every call the tool received, with the expression it was asked. */
    public final List<Map.Entry<String, String>> toolAuthorizations = new CopyOnWriteArrayList<>();

    public TestWorld() {
        registry = new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        // The test's tools and the agent listen on loopback.
                        "--agentforge.registry.allow-loopback-endpoints=true",
                        "--spring.jmx.enabled=false",
                        "--spring.application.admin.enabled=false");
        registryUrl = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
        agentKey = key("agent", "service");
        clientKey = key("alice", "client");
        otherClientKey = key("bob", "client");
        llm = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        llm.start();
        tool = startTool();
        registerTool();
    }

    private HttpServer startTool() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/forge/functions/calculator_evaluate", exchange -> {
                JsonNode arguments = JSON.readTree(exchange.getRequestBody().readAllBytes());
                String expression = arguments.path("expression").asString();
                toolCalls.add(expression);
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                toolAuthorizations.add(Map.entry(expression, authorization == null ? "" : authorization));
                byte[] body;
                int status;
                if (expression.contains("/ 0")) {
                    status = 422;
                    body = ("{\"type\":\"urn:agentforge:problem:calculation-division-by-zero\",\"title\":\"Division by"
                                    + " zero\",\"status\":422,\"detail\":\"Division by zero at position 2\"}")
                            .getBytes();
                    exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                } else {
                    status = 200;
                    body = ("{\"result\":\"" + (expression.equals("12.5 / 100 * 240") ? "30" : "42") + "\"}")
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                }
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void registerTool() {
        String toolKey = key("calculator", "service");
        Map<String, Object> registration = Map.of(
                "instanceId",
                "calc-test-1",
                "name",
                "calculator",
                "kind",
                "TOOL",
                "endpoint",
                "http://127.0.0.1:" + tool.getAddress().getPort(),
                "functions",
                List.of(Map.of(
                        "name",
                        "calculator_evaluate",
                        "description",
                        "Evaluate an arithmetic expression exactly",
                        "inputSchema",
                        Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of("expression", Map.of("type", "string", "description", "e.g. (3+4)*2")),
                                "required",
                                List.of("expression")))),
                "leaseDuration",
                "1h");
        post("/api/v1/instances", toolKey, registration);
    }

    /** Registers another tool service offering one function, served (never called) by the test tool's server. */
    public void registerTool(String service, String function, String key) {
        post(
                "/api/v1/instances",
                key,
                Map.of(
                        "instanceId",
                        service + "-1",
                        "name",
                        service,
                        "kind",
                        "TOOL",
                        "endpoint",
                        "http://127.0.0.1:" + tool.getAddress().getPort(),
                        "functions",
                        List.of(Map.of(
                                "name",
                                function,
                                "description",
                                "Test function " + function,
                                "inputSchema",
                                Map.of("type", "object"))),
                        "leaseDuration",
                        "1h"));
    }

    /** Deregisters an instance the way a stopping service does. */
    public void deregister(String instanceId, String key) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/instances/" + instanceId))
                            .header("Authorization", "Bearer " + key)
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 204) {
                throw new IllegalStateException("deregistering " + instanceId + " answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String key(String name, String role) {
        Map<String, Object> request = role.equals("service")
                // Keys of tests that are not about scopes may register any name: one trailing-* glob per letter.
                ? Map.of(
                        "name",
                        name,
                        "roles",
                        List.of(role),
                        "kinds",
                        List.of("TOOL", "AGENT"),
                        "services",
                        IntStream.rangeClosed('a', 'z')
                                .mapToObj(c -> (char) c + "*")
                                .toList())
                : Map.of("name", name, "roles", List.of(role));
        return post("/api/v1/keys", ADMIN_KEY, request).path("key").asString();
    }

    /** The key id of an {@code af_<keyId>_<secret>} key. */
    public static String keyId(String key) {
        return key.substring(3, key.indexOf('_', 3));
    }

    /**
     * The registry's RFC 8693 exchange: a token for {@code audience}, on behalf of {@code subject}, asked for with
     * {@code clientKey}; the raw response.
     */
    public HttpResponse<String> exchange(String clientKey, String audience, String subject) {
        String form = "grant_type=" + enc("urn:ietf:params:oauth:grant-type:token-exchange") + "&audience="
                + enc(audience) + "&subject_token=" + enc(subject) + "&subject_token_type="
                + enc("urn:ietf:params:oauth:token-type:access_token");
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + "/oauth2/token"))
                            .header("Authorization", "Bearer " + clientKey)
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(form))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A token for {@code audience} from the registry, as {@link #exchange} gets it; fails unless it is issued. */
    public String token(String clientKey, String audience, String subject) {
        HttpResponse<String> response = exchange(clientKey, audience, subject);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "token exchange answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asString();
    }

    /** The claims of a JWT, read without verifying it (the test looks at what a tool received). */
    public static JsonNode claims(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWT: " + (jwt.length() > 12 ? jwt.substring(0, 12) + "…" : jwt));
        }
        return JSON.readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
    }

    /** A JWT's {@code aud}: one string or an array of them. */
    public static List<String> audience(JsonNode claims) {
        JsonNode aud = claims.path("aud");
        return aud.isArray() ? aud.valueStream().map(JsonNode::asString).toList() : List.of(aud.asString());
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public JsonNode post(String path, String key, Object body) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + path))
                            .header("Authorization", "Bearer " + key)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(path + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public JsonNode registryGet(String path) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + path))
                            .header("Authorization", "Bearer " + ADMIN_KEY)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An agent of this world: its registry and key, and this world's WireMock as the model over the OpenAI wire format
     * (model {@code gpt-test}), with a rate limit no test reaches. Tests add what they change on top.
     */
    public void openAiAgent(DynamicPropertyRegistry properties) {
        properties.add("agentforge.registry-url", () -> registryUrl);
        properties.add("agentforge.api-key", () -> agentKey);
        properties.add("agentforge.agent.llm.mode", () -> "openai");
        properties.add("agentforge.agent.llm.model", () -> "gpt-test");
        properties.add("spring.ai.openai.base-url", () -> llm.baseUrl() + "/v1");
        properties.add("spring.ai.openai.api-key", () -> "sk-test");
        properties.add("agentforge.agent.rate-limit.requests-per-minute", () -> "1000");
        properties.add("spring.jmx.enabled", () -> "false");
    }

    @Override
    public void close() {
        tool.stop(0);
        llm.stop();
        registry.close();
    }
}
