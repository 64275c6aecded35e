package io.agentforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent (offline model) and calculators as real processes around a real registry: one story, in order — a tool
 * started after the agent is used, a killed calculator fails over to another, a stopped registry doesn't stop the
 * agent from answering from its cached catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentStackTests {

    private static final JsonMapper JSON = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofSeconds(120);

    private RegistryServer registry;
    private ServiceProcess agent;
    private ServiceProcess firstCalculator;
    private ServiceProcess secondCalculator;
    private String calculatorKey;
    private String clientKey;

    @BeforeAll
    void startRegistryAndAgent() throws Exception {
        registry = RegistryServer.start();
        calculatorKey = registry.createKey("calculator", Role.SERVICE).key();
        clientKey = registry.createKey("e2e-user", Role.CLIENT).key();
        agent = ServiceProcess.start(
                        "agent",
                        "agent",
                        Map.of(
                                "AGENTFORGE_REGISTRY_URL",
                                registry.url(),
                                "AGENTFORGE_API_KEY",
                                registry.createKey("agent", Role.SERVICE).key(),
                                "OPENAI_API_KEY",
                                "",
                                "AGENTFORGE_LLM_BASE_URL",
                                ""))
                .awaitReady(START);
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {secondCalculator, firstCalculator, agent, registry}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    private ServiceProcess calculator(String name) throws Exception {
        return ServiceProcess.start(
                        "calculator",
                        name,
                        Map.of("AGENTFORGE_REGISTRY_URL", registry.url(), "AGENTFORGE_API_KEY", calculatorKey))
                .awaitReady(START);
    }

    private JsonNode ask(String question) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(agent.url() + "/api/v1/chat"))
                        .header("Authorization", "Bearer " + clientKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("message", question))))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    @Test
    @Order(1)
    void withoutACalculatorTheOfflineAgentSaysSoInsteadOfGuessing() throws Exception {
        JsonNode answer = ask("what is (3+4)*2?");

        assertThat(answer.get("answer").asString()).contains("no calculator tool is registered");
        assertThat(answer.get("steps")).isEmpty();
    }

    @Test
    @Order(2)
    void aCalculatorStartedAfterTheAgentIsUsedWithoutARestart() throws Exception {
        firstCalculator = calculator("calculator-1");

        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> ask("what is (3+4)*2?").get("steps").size() == 1);
        JsonNode answer = ask("What is 12.5% of 240?");

        assertThat(answer.get("answer").asString()).contains("= 30").contains("offline model");
        assertThat(answer.get("steps").get(0).get("tool").asString()).isEqualTo("calculator_evaluate");
        assertThat(answer.get("steps").get(0).get("result").get("result").asString())
                .isEqualTo("30");
    }

    @Test
    @Order(3)
    void whenACalculatorIsKilledTheCallsFailOverToAnother() throws Exception {
        secondCalculator = calculator("calculator-2");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> registry
                                .client(clientKey)
                                .services(new io.agentforge.client.ServiceQuery("calculator", null, null, null))
                                .stream()
                                .mapToLong(s -> s.instances().size())
                                .sum()
                        == 2);
        // The agent learns of the second instance through the change feed within milliseconds; leave it a moment.
        Thread.sleep(1000);

        firstCalculator.kill();

        for (int i = 0; i < 6; i++) {
            JsonNode answer = ask("what is " + i + " + 1?");
            assertThat(answer.get("steps").get(0).get("error").isNull())
                    .as(answer.toString())
                    .isTrue();
            assertThat(answer.get("answer").asString()).contains("= " + (i + 1));
        }
    }

    @Test
    @Order(4)
    void whenTheRegistryStopsTheAgentKeepsAnsweringFromItsCachedCatalog() throws Exception {
        registry.close();

        JsonNode answer = ask("what is 2^10?");

        assertThat(answer.get("answer").asString()).contains("= 1024");
    }
}
