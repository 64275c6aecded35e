package io.agentforge.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agentforge.agent.support.OpenAiStubs.streamedAnswer;
import static io.agentforge.agent.support.OpenAiStubs.streamedToolCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.agentforge.agent.support.AgentHttp;
import io.agentforge.agent.support.TestWorld;
import io.agentforge.client.DiscoveryCache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Progressive tool exposure against a real registry's catalog search and WireMock speaking the OpenAI wire format:
 * above the threshold the model first sees only the best matches and {@code search_tools}, searches, and calls what
 * it found on the next turn.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ProgressiveExposureTests {

    static final TestWorld WORLD = new TestWorld();
    static final List<String> DECOYS = List.of(
            "travel_book_flight",
            "travel_find_hotel",
            "travel_rent_car",
            "weather_forecast",
            "email_send_message",
            "calendar_add_event");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        WORLD.openAiAgent(registry);
        // 7 functions: the calculator's and the decoys'.
        registry.add("agentforge.agent.tools.exposure-threshold", () -> "4");
        registry.add("agentforge.agent.tools.top-k", () -> "2");
        registry.add("agentforge.agent.tools.search-results", () -> "1");
    }

    @BeforeAll
    static void registerDecoys() {
        String key = WORLD.key("decoys", "service");
        for (String function : DECOYS) {
            WORLD.registerTool(function.replace('_', '-'), function, key);
        }
    }

    @AfterAll
    static void stopWorld() {
        WORLD.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    DiscoveryCache discovery;

    AgentHttp agent;

    @BeforeEach
    void agent() {
        agent = new AgentHttp("http://127.0.0.1:" + port);
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> discovery.catalog() != null
                        && discovery.catalog().functions().size() == DECOYS.size() + 1);
    }

    @Test
    void theModelSearchesForTheToolItLacksAndCallsItOnTheNextTurn() {
        String scenario = "progressive";
        WORLD.llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("MARK-PX"))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("searched")
                .willReturn(stream(streamedToolCall(
                        "search_tools", "{\"query\":\"evaluate an arithmetic expression calculator\"}"))));
        WORLD.llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("MARK-PX"))
                .inScenario(scenario)
                .whenScenarioStateIs("searched")
                .willSetStateTo("calculated")
                .willReturn(stream(streamedToolCall("calculator_evaluate", "{\"expression\":\"6*7\"}"))));
        WORLD.llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("MARK-PX"))
                .inScenario(scenario)
                .whenScenarioStateIs("calculated")
                .willReturn(stream(streamedAnswer(List.of("Booked, and ", "6*7 is 42.")))));

        AgentHttp.Response response = agent.post(
                "/api/v1/chat/stream",
                WORLD.clientKey,
                "{\"message\":\"MARK-PX book a flight to Lisbon, then tell me 6*7\"}");

        List<AgentHttp.Event> events = response.events();
        assertThat(events)
                .extracting(AgentHttp.Event::name)
                .containsExactly("tools", "step", "step", "tools", "step", "step", "delta", "delta", "done");
        JsonNode first = events.get(0).data();
        assertThat(first.get("mode").asString()).isEqualTo("search");
        assertThat(first.get("total").asInt()).isEqualTo(7);
        // At most top-k: a lexical search (the registry's model may still be loading) finds only shared words.
        List<String> offered = names(first.get("offered"));
        assertThat(offered)
                .hasSizeBetween(2, 3)
                .contains("travel_book_flight")
                .endsWith("search_tools")
                .doesNotContain("calculator_evaluate");
        JsonNode searched = events.get(2).data().get("step");
        assertThat(searched.get("tool").asString()).isEqualTo("search_tools");
        assertThat(searched.get("result").get("tools").get(0).get("name").asString())
                .isEqualTo("calculator_evaluate");
        List<String> grown = new ArrayList<>(offered.subList(0, offered.size() - 1));
        grown.add("calculator_evaluate");
        grown.add("search_tools");
        assertThat(names(events.get(3).data().get("offered"))).isEqualTo(grown);
        assertThat(events.get(5).data().get("step").get("result").get("result").asString())
                .isEqualTo("42");
        assertThat(events.getLast().data().get("answer").asString()).isEqualTo("Booked, and 6*7 is 42.");
        assertThat(WORLD.toolCalls).contains("6*7");

        List<List<String>> sent = WORLD.llm.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).stream()
                .filter(r -> r.getBodyAsString().contains("MARK-PX"))
                .map(r -> toolNames(TestWorld.JSON.readTree(r.getBodyAsString())))
                .toList();
        assertThat(sent).hasSize(3);
        assertThat(sent.get(0)).isEqualTo(offered);
        assertThat(sent.get(1)).isEqualTo(grown);
        assertThat(sent.get(2)).isEqualTo(sent.get(1));
    }

    @Test
    void aSearchWithoutAQueryIsAToolErrorTheModelReads() {
        String scenario = "empty-search";
        WORLD.llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("MARK-PQ"))
                .inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("searched")
                .willReturn(stream(streamedToolCall("search_tools", "{\"query\":\"  \"}"))));
        WORLD.llm.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(containing("MARK-PQ"))
                .inScenario(scenario)
                .whenScenarioStateIs("searched")
                .willReturn(stream(streamedAnswer(List.of("Sorry.")))));

        List<AgentHttp.Event> events = agent.post(
                        "/api/v1/chat/stream", WORLD.clientKey, "{\"message\":\"MARK-PQ find me something\"}")
                .events();

        assertThat(events).extracting(AgentHttp.Event::name).containsExactly("tools", "step", "step", "delta", "done");
        assertThat(events.get(2).data().get("step").get("error").asString()).contains("search_tools needs a 'query'");
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder stream(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withBody(body);
    }

    private static List<String> names(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    private static List<String> toolNames(JsonNode request) {
        return request.path("tools")
                .valueStream()
                .map(t -> t.get("function").get("name").asString())
                .toList();
    }
}
