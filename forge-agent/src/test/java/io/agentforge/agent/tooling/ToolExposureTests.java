package io.agentforge.agent.tooling;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.registry.api.ForgeJacksonModule;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.json.JsonMapper;

/** Which functions an offer holds, below and above the threshold, and when the registry's search fails. */
class ToolExposureTests {

    private static final JsonMapper JSON = ForgeJacksonModule.mapper();

    @Test
    void upToTheThresholdEveryFunctionIsOfferedWithoutSearchToolsAndWithoutAnEvent() {
        ToolExposure exposure = new ToolExposure(null, new ToolExposureProperties(3, 1, 1), JSON);

        ToolOffer offer = exposure.offer(functions(3), "anything");

        assertThat(names(offer.offered())).containsExactly("fn_0", "fn_1", "fn_2");
        assertThat(offer.callable()).doesNotContainKey(ToolOffer.SEARCH_TOOLS);
        assertThat(offer.changes()).isEmpty();
    }

    @Test
    void anUnreachableRegistryMeansEveryFunctionIsOfferedAndTheOfferSaysWhy() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (HttpRegistryClient registry = new HttpRegistryClient(new ForgeClientSettings(
                URI.create("http://127.0.0.1:" + closedPort),
                "af_test0001_abcdefghijklmnopqrstuvwxyz0123456789",
                Duration.ofSeconds(1),
                Duration.ofSeconds(2)))) {
            ToolOffer offer = new ToolExposure(registry, new ToolExposureProperties(2, 1, 1), JSON)
                    .offer(functions(5), "convert miles");

            assertThat(names(offer.offered())).hasSize(5).doesNotContain(ToolOffer.SEARCH_TOOLS);
            assertThat(offer.changes()).hasValueSatisfying(offered -> {
                assertThat(offered.mode()).isEqualTo(ToolsOffered.ALL);
                assertThat(offered.total()).isEqualTo(5);
                assertThat(offered.reason()).startsWith("the catalog search failed");
            });
        }
    }

    @Test
    void searchToolsAddsWhatItFindsOnceAndIgnoresNamesOutsideTheCatalog() {
        ToolOffer offer = ToolOffer.progressive(
                functions(6), List.of("fn_4", "gone_fn"), (query, k) -> List.of("fn_1", "fn_4", "gone_fn"), 3, JSON);
        assertThat(offer.changes())
                .hasValueSatisfying(
                        offered -> assertThat(offered.offered()).containsExactly("fn_4", ToolOffer.SEARCH_TOOLS));

        String result = offer.callable().get(ToolOffer.SEARCH_TOOLS).call("{\"query\":\"the first one\"}");

        assertThat(JSON.readTree(result)
                        .get("tools")
                        .valueStream()
                        .map(t -> t.get("name").asString()))
                .containsExactly("fn_1", "fn_4");
        assertThat(names(offer.offered())).containsExactly("fn_4", "fn_1", ToolOffer.SEARCH_TOOLS);
        assertThat(offer.changes()).isPresent();
        offer.callable().get(ToolOffer.SEARCH_TOOLS).call("{\"query\":\"again\"}");
        assertThat(offer.changes()).as("nothing new was found").isEmpty();
    }

    private static ToolCallback[] functions(int n) {
        return IntStream.range(0, n).mapToObj(i -> tool("fn_" + i)).toArray(ToolCallback[]::new);
    }

    private static ToolCallback tool(String name) {
        ToolDefinition definition = DefaultToolDefinition.builder()
                .name(name)
                .description("Function " + name)
                .inputSchema("{\"type\":\"object\"}")
                .build();
        return new ToolCallback() {
            @Override
            public ToolDefinition getToolDefinition() {
                return definition;
            }

            @Override
            public String call(String arguments) {
                return "{}";
            }
        };
    }

    private static List<String> names(List<ToolCallback> tools) {
        return tools.stream().map(t -> t.getToolDefinition().name()).toList();
    }
}
