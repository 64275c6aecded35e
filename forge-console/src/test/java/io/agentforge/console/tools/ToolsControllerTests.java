package io.agentforge.console.tools;

import static io.agentforge.console.support.Sessions.signedIn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.agentforge.client.Problem;
import io.agentforge.client.ToolInvocationException;
import io.agentforge.client.ToolUnavailableException;
import io.agentforge.console.support.ConsoleWebTest;
import io.agentforge.console.support.FakeToolGateway;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@ConsoleWebTest
class ToolsControllerTests {

    /** Reads decimals exactly, as the form binder builds them. */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    @Autowired
    MockMvc mvc;

    @Autowired
    FakeToolGateway tools;

    @BeforeEach
    void theCatalogHasTwoFunctions() {
        tools.clear();
        tools.add(new CatalogFunction(
                "calculator_round",
                "Rounds a number",
                Map.of(
                        "type", "object",
                        "properties",
                                Map.of(
                                        "value", Map.of("type", "number", "description", "The number to round"),
                                        "places", Map.of("type", "integer", "minimum", 0, "maximum", 20, "default", 2),
                                        "mode", Map.of("type", "string", "enum", List.of("HALF_UP", "DOWN")),
                                        "strict", Map.of("type", "boolean"),
                                        "tags", Map.of("type", "array", "items", Map.of("type", "string"))),
                        "required", List.of("value", "mode")),
                null,
                "calculator"));
        tools.add(new CatalogFunction("clock_now", "The current time", null, null, "clock"));
    }

    @Test
    void listsEveryCatalogFunctionWithAFormGeneratedFromItsSchema() throws Exception {
        String html = mvc.perform(get("/tools").with(signedIn()))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html)
                .contains("calculator_round", "Rounds a number", "clock_now", "This function takes no arguments.");
        assertThat(html)
                .containsPattern(tag(
                        "input",
                        "id=\"f-calculator_round-value\"",
                        "name=\"arg.value\"",
                        "inputmode=\"decimal\"",
                        "required=\"required\"",
                        "aria-describedby=\"f-calculator_round-value-desc\""))
                .contains("id=\"f-calculator_round-value-desc\"", "The number to round")
                .containsPattern(tag(
                        "input",
                        "name=\"arg.places\"",
                        "type=\"number\"",
                        "step=\"1\"",
                        "placeholder=\"2\"",
                        "min=\"0\"",
                        "max=\"20\""))
                .contains("<option value=\"&quot;HALF_UP&quot;\">HALF_UP</option>")
                .contains("<option value=\"true\">true</option>")
                .containsPattern("<textarea[^>]*name=\"arg.tags\"")
                .contains("hx-post=\"/tools/calculator_round/invoke\"");
    }

    @Test
    void aQueryShowsTheRegistrysSearchResultsBestFirstWithTheirScores() throws Exception {
        String html = mvc.perform(
                        get("/tools").param("q", " what time is it now ").with(signedIn()))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(tools.searches()).containsExactly("what time is it now");
        assertThat(html)
                .contains("id=\"tool-clock_now\"", "Best matches first", "class=\"badge score\"")
                .doesNotContain("id=\"tool-calculator_round\"");
    }

    @Test
    void theSearchOrderIsTheRegistrysNotTheCatalogs() throws Exception {
        String html = mvc.perform(
                        get("/tools").param("q", "current time now, or round").with(signedIn()))
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html.indexOf("id=\"tool-clock_now\"")).isPositive();
        assertThat(html.indexOf("id=\"tool-calculator_round\""))
                .as("clock_now matches more words, so it comes first although calculator sorts first")
                .isGreaterThan(html.indexOf("id=\"tool-clock_now\""));
    }

    @Test
    void withoutTheRegistrysSearchTheWordsFilterTheCachedCatalogAndThePageSaysSo() throws Exception {
        tools.add(new CatalogFunction("fail_safe", "Fails safely", null, null, "failer"));

        String html = mvc.perform(get("/tools").param("q", "fail").with(signedIn()))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html)
                .contains("search is unavailable", "got no answer", "id=\"tool-fail_safe\"")
                .doesNotContain("id=\"tool-clock_now\"", "class=\"badge score\"");
    }

    @Test
    void aQueryTooLongForTheRegistryFallsBackToTheFilterRatherThanFailing() throws Exception {
        String html = mvc.perform(get("/tools").param("q", "x".repeat(1001)).with(signedIn()))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html).contains("search is unavailable", "at most 1000");
    }

    @Test
    void runningAFunctionSendsTypedArgumentsAndShowsTheJsonResult() throws Exception {
        tools.answer(arguments -> MAPPER.readTree("{\"result\":\"3.14\"}"));

        String html = mvc.perform(post("/tools/calculator_round/invoke")
                        .with(signedIn())
                        .with(csrf())
                        .param("arg.value", "3.14159")
                        .param("arg.places", "2")
                        .param("arg.mode", "\"HALF_UP\"")
                        .param("arg.strict", "true")
                        .param("arg.tags", "[\"a\", \"b\"]"))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(tools.calls())
                .singleElement()
                .satisfies(call -> assertThat(json(call.arguments()))
                        .isEqualTo(
                                MAPPER.readTree("{\"value\":3.14159,\"places\":2,\"mode\":\"HALF_UP\",\"strict\":true,"
                                        + "\"tags\":[\"a\",\"b\"]}")));
        assertThat(html).contains("OK", "&quot;result&quot; : &quot;3.14&quot;").doesNotContain("<html");
    }

    @Test
    void aBlankOptionalFieldIsLeftOut() throws Exception {
        mvc.perform(post("/tools/calculator_round/invoke")
                .with(signedIn())
                .with(csrf())
                .param("arg.value", "1")
                .param("arg.places", "")
                .param("arg.mode", "\"DOWN\""));

        assertThat(json(tools.calls().getFirst().arguments()))
                .isEqualTo(MAPPER.readTree("{\"value\":1,\"mode\":\"DOWN\"}"));
    }

    @Test
    void aMissingOrMistypedFieldIsReportedWithoutCallingTheTool() throws Exception {
        String html = mvc.perform(post("/tools/calculator_round/invoke")
                        .with(signedIn())
                        .with(csrf())
                        .param("arg.value", "three")
                        .param("arg.tags", "[oops"))
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html).contains("Check the form", "must be a number", "is required", "is not valid JSON");
        assertThat(tools.calls()).isEmpty();
    }

    @Test
    void theToolsProblemDetailIsShownWhenItRefuses() throws Exception {
        tools.answer(arguments -> {
            throw new ToolInvocationException(
                    "calculator_round",
                    "calc-1",
                    new Problem(
                            400,
                            URI.create("urn:agentforge:problem:invalid-argument"),
                            "Invalid argument",
                            "places must be at most 20"));
        });

        String html = mvc.perform(post("/tools/calculator_round/invoke")
                        .with(signedIn())
                        .with(csrf())
                        .param("arg.value", "1")
                        .param("arg.mode", "\"DOWN\""))
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html)
                .contains(
                        "400",
                        "Invalid argument",
                        "places must be at most 20",
                        "urn:agentforge:problem:invalid-argument",
                        "role=\"alert\"");
    }

    @Test
    void aToolWithNoWorkingInstanceIsReportedAsUnavailable() throws Exception {
        tools.answer(arguments -> {
            throw new ToolUnavailableException("clock_now", "No instance of clock could run clock_now", null);
        });

        String html = mvc.perform(
                        post("/tools/clock_now/invoke").with(signedIn()).with(csrf()))
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html).contains("503", "Tool unavailable", "No instance of clock could run clock_now");
    }

    @Test
    void aFunctionThatLeftTheCatalogIsNotCalled() throws Exception {
        String html = mvc.perform(post("/tools/gone_fn/invoke").with(signedIn()).with(csrf()))
                .andReturn()
                .getResponse()
                .getContentAsString();

        assertThat(html).contains("Unknown function");
        assertThat(tools.calls()).isEmpty();
    }

    @Test
    void runningAFunctionNeedsTheCsrfToken() throws Exception {
        mvc.perform(post("/tools/clock_now/invoke").with(signedIn())).andExpect(status().isForbidden());
        assertThat(tools.calls()).isEmpty();
    }

    /** The arguments as the tool receives them: serialized, then read back. */
    private static JsonNode json(JsonNode arguments) {
        return MAPPER.readTree(arguments.toString());
    }

    /** A pattern for one tag carrying all these attributes, in any order. */
    private static String tag(String name, String... attributes) {
        StringBuilder pattern = new StringBuilder("<" + name);
        for (String attribute : attributes) {
            pattern.append("(?=[^>]*\\s")
                    .append(java.util.regex.Pattern.quote(attribute))
                    .append(")");
        }
        return pattern.append("[^>]*>").toString();
    }
}
