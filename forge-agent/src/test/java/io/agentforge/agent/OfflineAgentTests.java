package io.agentforge.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.agent.support.AgentHttp;
import io.agentforge.agent.support.TestWorld;
import io.agentforge.client.DiscoveryCache;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** With no LLM configured the agent still answers arithmetic through the calculator, and says so. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OfflineAgentTests {

    static final TestWorld WORLD = new TestWorld();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("agentforge.registry-url", () -> WORLD.registryUrl);
        registry.add("agentforge.api-key", () -> WORLD.agentKey);
        registry.add("agentforge.agent.llm.mode", () -> "auto");
        registry.add("agentforge.agent.llm.api-key", () -> "");
        registry.add("agentforge.agent.llm.base-url", () -> "");
        registry.add("agentforge.agent.rate-limit.requests-per-minute", () -> "4");
        registry.add("spring.jmx.enabled", () -> "false");
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
                .until(() -> discovery.function("calculator_evaluate").isPresent());
    }

    @Test
    void anArithmeticQuestionIsAnsweredThroughTheCalculator() {
        JsonNode result = agent.post("/api/v1/chat", WORLD.clientKey, "{\"message\":\"What is 12.5% of 240?\"}")
                .json();

        assertThat(result.get("answer").asString())
                .contains("12.5 / 100 * 240 = 30")
                .contains("offline model");
        assertThat(result.get("model").asString()).isEqualTo("offline");
        assertThat(result.get("steps").get(0).get("tool").asString()).isEqualTo("calculator_evaluate");
        assertThat(WORLD.toolCalls).contains("12.5 / 100 * 240");
    }

    @Test
    void anythingElseIsToldPlainlyThatNoLanguageModelIsConfigured() {
        JsonNode result = agent.post("/api/v1/chat", WORLD.otherClientKey, "{\"message\":\"Write me a poem\"}")
                .json();

        assertThat(result.get("answer").asString())
                .contains("no LLM is configured")
                .contains("OPENAI_API_KEY");
        assertThat(result.get("steps")).isEmpty();
    }

    @Test
    void aCallerOverTheRateLimitGets429WithRetryAfter() {
        String key = WORLD.key("hasty", "client");
        for (int i = 0; i < 4; i++) {
            assertThat(agent.post("/api/v1/chat", key, "{\"message\":\"hi\"}").status())
                    .isEqualTo(200);
        }

        AgentHttp.Response limited = agent.post("/api/v1/chat", key, "{\"message\":\"hi\"}");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.retryAfter()).isNotNull();
        assertThat(limited.json().get("type").asString()).isEqualTo("urn:agentforge:problem:rate-limited");
    }
}
