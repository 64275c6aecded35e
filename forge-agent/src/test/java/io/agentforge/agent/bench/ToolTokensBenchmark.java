package io.agentforge.agent.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.agentforge.agent.AgentApplication;
import io.agentforge.agent.support.OpenAiStubs;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.registry.RegistryApplication;
import io.agentforge.registry.api.ForgeJacksonModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the tool list costs per model turn with a large catalog, with and without progressive exposure. Not a test;
 * run on demand (see docs/benchmarks.md). In one JVM: a registry with the catalog-search benchmark's 350 functions
 * plus copies up to FUNCTIONS, WireMock speaking the OpenAI format (it answers at once, so each question is one
 * model turn), and the agent twice: every function offered, then progressive exposure with its defaults. For each
 * labelled question of bench/search/questions.json it records the request the model received: the size of its
 * {@code tools} array and of the whole body, and whether a function that answers the question was offered.
 *
 * <p>Tokens are estimated as characters / 4 (OpenAI's rule of thumb for English and JSON); no tokenizer is bundled.
 *
 * <p>Args: [FUNCTIONS=400] [QUESTIONS=all] [REGISTRY_URL ADMIN_KEY]
 */
public final class ToolTokensBenchmark {

    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN_KEY = "af_benchtokens1_abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Path DATA = Path.of("..", "bench", "search");

    private ToolTokensBenchmark() {}

    public static void main(String[] args) throws Exception {
        int functions = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        JsonNode questions =
                JSON.readTree(Files.readString(DATA.resolve("questions.json"))).get("questions");
        int limit = args.length > 1 ? Integer.parseInt(args[1]) : questions.size();

        // The registry's embedding model is not on the agent's test class path: bench/agent-tokens-bench.sh runs the
        // registry's exec jar and passes its URL and admin key; without them an in-process registry ranks lexically.
        ConfigurableApplicationContext registry = null;
        String registryUrl;
        String adminKey;
        if (args.length > 3) {
            registryUrl = args[2];
            adminKey = args[3];
        } else {
            adminKey = ADMIN_KEY;
            registry = new SpringApplicationBuilder(RegistryApplication.class)
                    .run(
                            "--server.port=0",
                            "--server.address=127.0.0.1",
                            "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                            "--spring.main.banner-mode=off",
                            "--logging.level.root=WARN",
                            "--spring.jmx.enabled=false");
            registryUrl = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
        }
        int registered = register(registryUrl, adminKey, functions);
        String mode = waitForEmbeddings(registryUrl, adminKey);
        String agentKey = key(registryUrl, adminKey, "agent", "service");
        String clientKey = key(registryUrl, adminKey, "bench", "client");

        WireMockServer llm =
                new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        llm.start();
        llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(OpenAiStubs.answer("ok"))));

        System.out.printf(
                Locale.ROOT,
                "catalog: %d functions, search %s; %d labelled questions; one model turn per question%n",
                registered,
                mode,
                Math.min(limit, questions.size()));
        System.out.println("| exposure | tools offered (mean) | tool schemas chars (mean) | est. tokens (mean) |"
                + " whole request chars (mean) | est. tokens (mean) | an answering function offered |");
        System.out.println("|---|---|---|---|---|---|---|");
        Result all = run(registryUrl, agentKey, clientKey, llm, questions, limit, registered, "100000");
        Result progressive = run(registryUrl, agentKey, clientKey, llm, questions, limit, registered, "16");
        print("all functions (threshold 100000)", all);
        print("progressive (threshold 16, top-k 8)", progressive);
        System.out.printf(
                Locale.ROOT,
                "cut: tool schemas %.1fx, whole request %.1fx%n",
                all.schemaChars / progressive.schemaChars,
                all.bodyChars / progressive.bodyChars);
        llm.stop();
        if (registry != null) {
            registry.close();
        }
        System.exit(0);
    }

    record Result(double offered, double schemaChars, double bodyChars, int answerable, int questions) {}

    private static void print(String label, Result r) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %.1f | %.0f | %.0f | %.0f | %.0f | %d of %d (%.1f %%) |%n",
                label,
                r.offered,
                r.schemaChars,
                r.schemaChars / 4,
                r.bodyChars,
                r.bodyChars / 4,
                r.answerable,
                r.questions,
                100.0 * r.answerable / r.questions);
    }

    private static Result run(
            String registryUrl,
            String agentKey,
            String clientKey,
            WireMockServer llm,
            JsonNode questions,
            int limit,
            int expected,
            String threshold)
            throws Exception {
        llm.resetRequests();
        try (ConfigurableApplicationContext agent = new SpringApplicationBuilder(AgentApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--agentforge.registry-url=" + registryUrl,
                        "--agentforge.api-key=" + agentKey,
                        "--agentforge.enabled=false",
                        "--agentforge.agent.llm.mode=openai",
                        "--agentforge.agent.llm.model=gpt-bench",
                        "--spring.ai.openai.base-url=" + llm.baseUrl() + "/v1",
                        "--spring.ai.openai.api-key=sk-bench",
                        "--agentforge.agent.rate-limit.requests-per-minute=100000",
                        "--agentforge.agent.tools.exposure-threshold=" + threshold,
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        "--spring.jmx.enabled=false")) {
            String agentUrl = "http://127.0.0.1:" + agent.getEnvironment().getProperty("local.server.port");
            DiscoveryCache discovery = agent.getBean(DiscoveryCache.class);
            for (int i = 0; i < 600 && discovery.functions().size() < expected; i++) {
                Thread.sleep(100);
            }
            int offered = 0;
            long schemaChars = 0;
            long bodyChars = 0;
            int answerable = 0;
            int n = Math.min(limit, questions.size());
            for (int i = 0; i < n; i++) {
                JsonNode question = questions.get(i);
                ObjectNode body = JSON.createObjectNode()
                        .put("message", question.get("question").asString());
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(agentUrl + "/api/v1/chat"))
                                .header("Authorization", "Bearer " + clientKey)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("chat answered " + response.statusCode() + ": " + response.body());
                }
                List<LoggedRequest> sent = llm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions")));
                JsonNode request = JSON.readTree(sent.getLast().getBodyAsString());
                JsonNode tools = request.path("tools");
                offered += tools.size();
                schemaChars += JSON.writeValueAsString(tools).length();
                bodyChars += sent.getLast().getBodyAsString().length();
                List<String> names = new ArrayList<>();
                tools.forEach(t -> names.add(t.path("function").path("name").asString()));
                boolean found = false;
                for (JsonNode answer : question.get("answers")) {
                    found |= names.contains(answer.asString());
                }
                answerable += found ? 1 : 0;
                llm.resetRequests();
            }
            return new Result((double) offered / n, (double) schemaChars / n, (double) bodyChars / n, answerable, n);
        }
    }

    /** The benchmark's services, then copies of their functions (as bench/SearchBench does) up to {@code target}. */
    private static int register(String registryUrl, String adminKey, int target) throws Exception {
        JsonNode services =
                JSON.readTree(Files.readString(DATA.resolve("functions.json"))).get("services");
        int count = 0;
        for (int copy = 0; count < target; copy++) {
            for (JsonNode service : services) {
                if (count >= target) {
                    break;
                }
                List<JsonNode> fs = new ArrayList<>();
                for (JsonNode f : service.get("functions")) {
                    if (count + fs.size() >= target) {
                        break;
                    }
                    ObjectNode function = (ObjectNode) f.deepCopy();
                    if (copy > 0) {
                        function.put("name", f.get("name").asString() + "_v" + copy);
                        function.put(
                                "description", f.get("description").asString() + " Variant " + copy + " for partners.");
                    }
                    fs.add(function);
                }
                String name = service.get("service").asString() + (copy == 0 ? "" : "-v" + copy);
                Map<String, Object> registration = new LinkedHashMap<>();
                registration.put("instanceId", name + "-1");
                registration.put("name", name);
                registration.put("kind", "TOOL");
                registration.put("version", "1.0.0");
                registration.put("endpoint", "http://192.0.2.1:9");
                registration.put("functions", fs);
                registration.put("leaseDuration", "1h");
                postJson(registryUrl + "/api/v1/instances", adminKey, registration);
                count += fs.size();
            }
        }
        return count;
    }

    /** Until no function waits for its embedding; answers the mode searches run in (lexical without the model). */
    private static String waitForEmbeddings(String registryUrl, String adminKey) throws Exception {
        for (int i = 0; i < 1200; i++) {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/catalog/search?q=anything&k=1"))
                            .header("Authorization", "Bearer " + adminKey)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode result = JSON.readTree(response.body());
            if (result.path("pendingEmbeddings").asInt() == 0 && i > 4) {
                return result.path("mode").asString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the registry's embeddings did not finish in 10 minutes");
    }

    private static String key(String registryUrl, String adminKey, String name, String role) throws Exception {
        Map<String, Object> request = role.equals("service")
                ? Map.of(
                        "name",
                        name,
                        "roles",
                        List.of(role),
                        "kinds",
                        List.of("AGENT"),
                        "services",
                        IntStream.rangeClosed('a', 'z')
                                .mapToObj(c -> (char) c + "*")
                                .toList())
                : Map.of("name", name, "roles", List.of(role));
        return postJson(registryUrl + "/api/v1/keys", adminKey, request)
                .path("key")
                .asString();
    }

    private static JsonNode postJson(String url, String key, Object body) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
