package io.agentforge.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.e2e.OtlpReceiver.ReceivedSpan;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.Role;
import io.agentforge.testsupport.Chromium;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One question through the real console, agent (on a WireMock model speaking the OpenAI wire format) and calculator,
 * every service exporting its spans to an in-test OTLP/HTTP receiver: one trace from the "browser" request to the
 * tool method, with the GenAI attributes and without the prompt or any key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
class ObservabilityTests {

    private static final Duration START = Duration.ofSeconds(120);
    private static final String QUESTION = "What is 6*7? (observability-e2e)";
    private static final String MODEL_KEY = "sk-e2e-observability-not-a-real-key";
    private static final Pattern CSRF = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");
    private static final Pattern CSRF_HEADER = Pattern.compile("<meta name=\"csrf-header\" content=\"([^\"]+)\"");

    private OtlpReceiver receiver;
    private WireMockServer llm;
    private RegistryServer registry;
    private ServiceProcess calculator;
    private ServiceProcess agent;
    private ServiceProcess console;
    private final List<String> keys = new java.util.ArrayList<>();

    private String traceId;
    private String events;

    @BeforeAll
    void startTheStackAndAsk() throws Exception {
        receiver = OtlpReceiver.start();
        llm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        llm.start();
        // The second turn carries the tool's result: it gets the answer; the first gets the tool call.
        stub(1, "\"tool\"", toolCallThenUsage("final"));
        stub(5, "observability-e2e", toolCallThenUsage("call"));

        Map<String, String> tracing = Map.of(
                "AGENTFORGE_OTLP_ENDPOINT",
                receiver.endpoint(),
                // Export within a fraction of a second rather than the default 5 s.
                "MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_SCHEDULE_DELAY",
                "200ms");
        registry = RegistryServer.start(
                0,
                "--agentforge.otlp.endpoint=" + receiver.endpoint(),
                "--management.opentelemetry.tracing.export.schedule-delay=200ms");
        String consoleKey = remember(registry.createKey("console", Role.CLIENT).key());
        calculator = ServiceProcess.start(
                "calculator",
                "otel-calculator",
                with(
                        tracing,
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        remember(registry.createKey("calculator", Role.SERVICE).key())));
        agent = ServiceProcess.start(
                "agent",
                "otel-agent",
                with(
                        tracing,
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        remember(registry.createKey("agent", Role.SERVICE).key()),
                        "OPENAI_API_KEY",
                        MODEL_KEY,
                        "AGENTFORGE_LLM_BASE_URL",
                        llm.baseUrl() + "/v1",
                        "AGENTFORGE_LLM_MODEL",
                        "gpt-test"));
        calculator.awaitReady(START);
        agent.awaitReady(START);
        console = ServiceProcess.start(
                        "console",
                        "otel-console",
                        with(
                                tracing,
                                "AGENTFORGE_REGISTRY_URL",
                                registry.url(),
                                "AGENTFORGE_API_KEY",
                                consoleKey,
                                "AGENTFORGE_CONSOLE_AUTH",
                                "none",
                                "AGENTFORGE_AGENT_URL",
                                agent.url(),
                                "AGENTFORGE_CONSOLE_TRACE_URL_TEMPLATE",
                                "http://traces.example/trace/{traceId}"))
                .awaitReady(START);
        HttpRegistryClient client = registry.client(consoleKey);
        Awaitility.await("the calculator UP in the registry")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> client.services(ServiceQuery.all().withName("calculator")).stream()
                        .map(RegisteredService::instances)
                        .flatMap(List::stream)
                        .anyMatch(i -> i.status() == InstanceStatus.UP));

        traceId = HexFormat.of().formatHex(randomBytes(16));
        events = askThroughTheConsole("00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01");
        Awaitility.await("the tool method's span at the receiver")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> spans().stream().anyMatch(s -> s.name().equals("tool calculator_evaluate"))
                        && spans().stream().anyMatch(s -> s.name().equals("invoke_agent"))
                        && spans().stream().anyMatch(s -> "forge-console".equals(s.service())));
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (receiver != null && traceId != null) {
            // The trace as a tree, for people (docs/observability.md shows one).
            StringBuilder tree = new StringBuilder();
            spans().stream().filter(s -> parent(s).isEmpty()).forEach(root -> print(root, 0, tree));
            java.nio.file.Files.writeString(java.nio.file.Path.of("target", "e2e-logs", "trace-tree.txt"), tree);
        }
        for (AutoCloseable closeable : new AutoCloseable[] {console, agent, calculator, registry, receiver}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        if (llm != null) {
            llm.stop();
        }
    }

    @Test
    void theAnswerLinksToItsTrace() {
        assertThat(events).contains("42");
        assertThat(events).contains("\"traceUrl\":\"http://traces.example/trace/" + traceId + "\"");
    }

    @Test
    void oneTraceSpansTheConsoleTheAgentTheCalculatorAndTheRegistry() {
        assertThat(spans().stream().map(ReceivedSpan::service).collect(Collectors.toSet()))
                .contains("forge-console", "forge-agent", "calculator", "forge-registry");
    }

    @Test
    void theSpanTreeGoesFromTheQuestionThroughItsToolCallToTheToolMethod() {
        ReceivedSpan method = only("tool calculator_evaluate");
        ReceivedSpan toolCall = only("execute_tool calculator_evaluate");
        ReceivedSpan question = only("invoke_agent");

        assertThat(method.service()).isEqualTo("calculator");
        // question → model turn → tool call → HTTP attempt → tool method
        List<ReceivedSpan> turns = turns();
        assertThat(turns).hasSize(2).allSatisfy(turn -> assertThat(parent(turn)).contains(question));
        ReceivedSpan firstTurn = turns.stream()
                .filter(t -> "tool_calls".equals(t.attributes().get("gen_ai.response.finish_reasons")))
                .findFirst()
                .orElseThrow();
        assertThat(parent(toolCall)).as("the turn that asked for the tool call").contains(firstTurn);
        ReceivedSpan attempt = only("invoke calculator_evaluate");
        assertThat(parent(attempt)).contains(toolCall);
        assertThat(ancestors(method)).startsWith(parent(method).orElseThrow()).contains(attempt, toolCall, firstTurn);
        // The question itself hangs under the console's request, which hangs under the browser's traceparent.
        assertThat(ancestors(question).stream().map(ReceivedSpan::service)).contains("forge-console");
        // Spring AI's own model-call span (named alike) sits inside each turn.
        List<ReceivedSpan> modelCalls =
                named("chat gpt-test").stream().filter(s -> !turns.contains(s)).toList();
        assertThat(modelCalls)
                .hasSize(2)
                .allSatisfy(call -> assertThat(parent(call)).isPresent().get().isIn(turns));
        // Within each turn, the agent's HTTP request to the model (sent from the SDK's own thread on a streamed
        // answer), whose context the model endpoint received.
        List<ReceivedSpan> modelRequests = named("http post").stream()
                .filter(s -> "forge-agent".equals(s.service())
                        && ancestors(s).stream().anyMatch(turns::contains))
                .toList();
        assertThat(modelRequests).hasSize(2);
        List<String> received = llm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream()
                .map(r -> r.getHeader("traceparent"))
                .toList();
        assertThat(received)
                .as("W3C traceparent at the model endpoint, naming the agent's request spans")
                .containsExactlyInAnyOrderElementsOf(modelRequests.stream()
                        .map(s -> "00-" + traceId + "-" + s.spanId() + "-01")
                        .toList());
    }

    @Test
    void theModelTurnsCarryTheGenAiAttributesWithTheModelsTokenUsage() {
        List<ReceivedSpan> turns = turns();
        assertThat(turns)
                .hasSize(2)
                .allSatisfy(turn -> assertThat(turn.attributes())
                        .containsEntry("gen_ai.operation.name", "chat")
                        .containsEntry("gen_ai.request.model", "gpt-test")
                        .containsEntry("gen_ai.response.model", "gpt-test-0601"));
        assertThat(turns.stream().map(t -> t.attributes().get("gen_ai.usage.input_tokens")))
                .containsExactlyInAnyOrder("50", "70");
        assertThat(turns.stream().map(t -> t.attributes().get("gen_ai.usage.output_tokens")))
                .containsExactlyInAnyOrder("10", "8");
        assertThat(turns.stream().map(t -> t.attributes().get("gen_ai.response.finish_reasons")))
                .containsExactlyInAnyOrder("tool_calls", "stop");

        ReceivedSpan toolCall = only("execute_tool calculator_evaluate");
        assertThat(toolCall.attributes())
                .containsEntry("gen_ai.operation.name", "execute_tool")
                .containsEntry("gen_ai.tool.name", "calculator_evaluate")
                .containsEntry("gen_ai.tool.call.id", "call_e2e")
                .containsEntry("outcome", "success");
        ReceivedSpan attempt = only("invoke calculator_evaluate");
        assertThat(attempt.attributes())
                .containsEntry("function", "calculator_evaluate")
                .containsEntry("outcome", "SUCCESS")
                .containsEntry("agentforge.attempt", "1")
                .containsKey("instance");
        // The instance chosen and the attempts (more than one after a failover) on the tool call itself.
        assertThat(toolCall.attributes())
                .containsEntry("agentforge.tool.instance", attempt.attributes().get("instance"))
                .containsEntry("agentforge.tool.attempts", "1");
        assertThat(only("invoke_agent").attributes())
                .containsEntry("gen_ai.operation.name", "invoke_agent")
                .containsEntry("gen_ai.usage.input_tokens", "120")
                .containsEntry("gen_ai.usage.output_tokens", "18");
    }

    @Test
    void theAgentAndTheCalculatorExportTheDocumentedMetricsWithExemplars() throws Exception {
        String agentMetrics = scrape(agent, "text/plain");
        assertThat(agentMetrics)
                .contains("agentforge_agent_questions_seconds_count{")
                .contains("agentforge_agent_model_turns_seconds_bucket{")
                .contains("gen_ai_response_model=\"gpt-test-0601\"")
                .contains("agentforge_agent_tool_calls_seconds_count{")
                .contains("gen_ai_tool_name=\"calculator_evaluate\"")
                .contains("agentforge_agent_tokens_total{model=\"gpt-test-0601\",type=\"input\"} 120.0")
                .contains("agentforge_agent_steps_count{outcome=\"answered\"} 1")
                .contains("agentforge_agent_model_requests_seconds_count{")
                .contains("agentforge_client_function_calls_seconds_count{")
                .contains("agentforge_registry_client_requests_seconds_count{");
        assertThat(scrape(calculator, "text/plain")).contains("agentforge_tool_executions_seconds_count{");
        // Exemplars link the histogram buckets to traces (OpenMetrics only).
        assertThat(scrape(agent, "application/openmetrics-text; version=1.0.0")).contains("trace_id=\"" + traceId);
    }

    /**
     * The trace as a waterfall in Chromium, the picture in docs/observability.md: every hop with its timing. With
     * {@code FORGE_UPDATE_DOCS_IMAGES=1} (or {@code -Dforge.update-docs-images=true}) the screenshot also replaces
     * {@code docs/images/trace-6x7.png}.
     */
    @Test
    void theTraceRendersAsAWaterfallShowingEveryHop() throws Exception {
        String skip = Chromium.missing();
        Assumptions.assumeTrue(skip == null, skip);
        Path html = Path.of("target", "e2e-logs", "trace-6x7.html");
        Files.createDirectories(html.getParent());
        Files.writeString(html, TraceWaterfall.html("What is 6*7? through console, agent and calculator", spans()));
        List<String> consoleErrors = new java.util.ArrayList<>();
        try (Chromium chromium = Chromium.launch()) {
            Page page = chromium.newPage(Duration.ofSeconds(15), consoleErrors);
            page.navigate(html.toUri().toString());
            for (String[] hop : new String[][] {
                {"forge-console", "chat stream"},
                {"forge-agent", "invoke_agent"},
                {"forge-agent", "execute_tool calculator_evaluate"},
                {"calculator", "tool calculator_evaluate"}
            }) {
                PlaywrightAssertions.assertThat(
                                page.locator("tr[data-service='" + hop[0] + "'][data-span='" + hop[1] + "'] .bar"))
                        .isVisible();
            }
            PlaywrightAssertions.assertThat(page.locator("tr[data-span='invoke_agent']"))
                    .containsText("gen_ai.usage.input_tokens=120");
            Path shot = Path.of("target", "screenshots", "trace-6x7.png");
            Files.createDirectories(shot.getParent());
            page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true));
            page.context().close();
            if ("1".equals(System.getenv("FORGE_UPDATE_DOCS_IMAGES"))
                    || Boolean.getBoolean("forge.update-docs-images")) {
                Path docs = Path.of("..", "docs", "images");
                Files.createDirectories(docs);
                Files.copy(shot, docs.resolve("trace-6x7.png"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void everyAgentAndCalculatorNameTheDashboardMayUseIsInARealScrape() throws Exception {
        // deploy/observability/exported-metrics.txt: the names forge-deploy lets the dashboard and alerts use.
        Map<String, String> scraped =
                Map.of("agent", scrape(agent, "text/plain"), "calculator", scrape(calculator, "text/plain"));
        List<String[]> listed =
                Files.readAllLines(Path.of("..", "deploy", "observability", "exported-metrics.txt")).stream()
                        .filter(line -> !line.isBlank() && !line.startsWith("#"))
                        .map(line -> line.trim().split("\\s+"))
                        .filter(fields -> scraped.containsKey(fields[1]))
                        .toList();
        assertThat(listed).extracting(fields -> fields[1]).contains("agent", "calculator");
        assertThat(listed)
                .allSatisfy(fields -> assertThat(scraped.get(fields[1]))
                        .as("%s exported by %s", fields[0], fields[1])
                        .containsPattern("(?m)^" + Pattern.quote(fields[0]) + "[{ ]"));
    }

    private static String scrape(ServiceProcess service, String accept) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(service.url() + "/actuator/prometheus"))
                                .header("Accept", accept)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    @Test
    void noSpanCarriesThePromptTheToolArgumentsOrAnyKey() {
        List<String> secrets = new java.util.ArrayList<>(keys);
        secrets.addAll(List.of(MODEL_KEY, "observability-e2e", "6*7", "Bearer "));
        assertThat(spans()).isNotEmpty().allSatisfy(span -> {
            String everything = span.name() + " " + span.attributes();
            secrets.forEach(secret -> assertThat(everything).doesNotContain(secret));
        });
    }

    private String askThroughTheConsole(String traceparent) throws Exception {
        HttpClient browser = HttpClient.newBuilder()
                .cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        String page = browser.send(
                        HttpRequest.newBuilder(URI.create(console.url() + "/"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher token = CSRF.matcher(page);
        Matcher header = CSRF_HEADER.matcher(page);
        assertThat(token.find() && header.find()).as(page).isTrue();
        HttpResponse<String> response = browser.send(
                HttpRequest.newBuilder(URI.create(console.url() + "/chat/stream"))
                        .header("Content-Type", "application/json")
                        .header("Accept", "text/event-stream")
                        .header(header.group(1), token.group(1))
                        .header("traceparent", traceparent)
                        .timeout(Duration.ofSeconds(90))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + QUESTION + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private List<ReceivedSpan> spans() {
        return receiver.spans().stream()
                .filter(s -> s.traceId().equals(traceId))
                .toList();
    }

    /** The agent's model-turn spans (Spring AI's model-call spans have the same name). */
    private List<ReceivedSpan> turns() {
        return named("chat gpt-test").stream()
                .filter(s -> s.attributes().containsKey("agentforge.turn"))
                .toList();
    }

    private List<ReceivedSpan> named(String name) {
        return spans().stream().filter(s -> s.name().equals(name)).toList();
    }

    private ReceivedSpan only(String name) {
        List<ReceivedSpan> found = named(name);
        assertThat(found).as("spans named %s among %s", name, spans()).hasSize(1);
        return found.getFirst();
    }

    private Optional<ReceivedSpan> parent(ReceivedSpan span) {
        return spans().stream()
                .filter(s -> s.spanId().equals(span.parentSpanId()))
                .findFirst();
    }

    private List<ReceivedSpan> ancestors(ReceivedSpan span) {
        List<ReceivedSpan> chain = new java.util.ArrayList<>();
        for (Optional<ReceivedSpan> p = parent(span); p.isPresent() && chain.size() < 64; p = parent(p.get())) {
            chain.add(p.get());
        }
        return chain;
    }

    private void print(ReceivedSpan span, int depth, StringBuilder out) {
        out.append("  ".repeat(depth))
                .append(span.name())
                .append("  [")
                .append(span.service())
                .append("]")
                .append(System.lineSeparator());
        spans().stream()
                .filter(s -> s.parentSpanId().equals(span.spanId()))
                .forEach(child -> print(child, depth + 1, out));
    }

    private String remember(String key) {
        keys.add(key);
        return key;
    }

    private static Map<String, String> with(Map<String, String> base, String... pairs) {
        Map<String, String> environment = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            environment.put(pairs[i], pairs[i + 1]);
        }
        return environment;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        bytes[0] |= 1;
        return bytes;
    }

    private void stub(int priority, String marker, String body) {
        llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .atPriority(priority)
                .withRequestBody(containing(marker))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "text/event-stream")
                        .withBody(body)));
    }

    /** A streamed model turn with the usage OpenAI reports in its last chunk: the tool call, or the final answer. */
    private static String toolCallThenUsage(String which) {
        String chunk = "{\"id\":\"chatcmpl-e2e\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,"
                + "\"model\":\"gpt-test-0601\",\"choices\":[%s]%s}";
        StringBuilder body = new StringBuilder();
        if (which.equals("call")) {
            body.append(data(chunk.formatted(
                    "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,"
                            + "\"id\":\"call_e2e\",\"type\":\"function\",\"function\":{\"name\":\"calculator_evaluate\","
                            + "\"arguments\":\"{\\\"expression\\\":\\\"6*7\\\"}\"}}]},\"finish_reason\":null}",
                    "")));
            body.append(data(chunk.formatted("{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}", "")));
            body.append(data(chunk.formatted(
                    "", ",\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":10,\"total_tokens\":60}")));
        } else {
            body.append(data(chunk.formatted(
                    "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"6 * 7 = 42\"},\"finish_reason\":null}",
                    "")));
            body.append(data(chunk.formatted("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}", "")));
            body.append(data(chunk.formatted(
                    "", ",\"usage\":{\"prompt_tokens\":70,\"completion_tokens\":8,\"total_tokens\":78}")));
        }
        return body.append("data: [DONE]\n\n").toString();
    }

    private static String data(String json) {
        return "data: " + json + "\n\n";
    }
}
