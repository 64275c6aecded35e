package io.agentforge.registry.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.mcp.McpServerClient.McpTool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class McpToolImportTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static McpTool tool(String name) {
        return new McpTool(name, null, "Does " + name, null);
    }

    @ParameterizedTest
    @CsvSource({
        "weather, getWeather, weather_get_weather",
        "weather, forecast.week, weather_forecast_week",
        "weather, weather_now, weather_now",
        "weather-mcp, get-HTTP-status, weather_mcp_get_http_status",
        "files, __read__file__, files_read_file",
        "files, 読む, files_tool",
        "files, ReadFile2Disk, files_read_file2_disk"
    })
    void toolNamesBecomeServicePrefixedSnakeCase(String service, String tool, String function) {
        assertThat(McpToolImport.catalogName(service, tool)).isEqualTo(function).matches(FunctionDescriptor.NAME);
    }

    @Test
    void longNamesAreCutAndEndInAHashOfTheOriginalSoTheyStayDistinct() {
        String a = McpToolImport.catalogName("weather", "x".repeat(80) + "A");
        String b = McpToolImport.catalogName("weather", "x".repeat(80) + "B");

        assertThat(a).hasSize(64).matches(FunctionDescriptor.NAME).isNotEqualTo(b);
        assertThat(b).hasSize(64).matches(FunctionDescriptor.NAME);
    }

    @Test
    void namesTwoToolsWouldShareAreNumberedInListingOrderAndKeepTheirMcpNames() throws Exception {
        List<FunctionDescriptor> functions =
                McpToolImport.functions("files", List.of(tool("readFile"), tool("read-file"), tool("read_file")));

        assertThat(functions)
                .extracting(FunctionDescriptor::name)
                .containsExactly("files_read_file", "files_read_file_2", "files_read_file_3");
        assertThat(functions)
                .extracting(FunctionDescriptor::mcpName)
                .containsExactly("readFile", "read-file", "read_file");
    }

    @Test
    void descriptionsFallBackToTheTitleThenTheNameAndAreCut() throws Exception {
        List<FunctionDescriptor> functions = McpToolImport.functions(
                "files",
                List.of(
                        new McpTool("a", "Title A", null, null),
                        new McpTool("b", null, " ", null),
                        new McpTool("c", null, "d".repeat(5000), null)));

        assertThat(functions.get(0).description()).isEqualTo("Title A");
        assertThat(functions.get(1).description()).isEqualTo("MCP tool b");
        assertThat(functions.get(2).description()).hasSize(FunctionDescriptor.MAX_DESCRIPTION);
    }

    @Test
    void theInputSchemaIsKeptAndAnAbsentOneIsAnEmptyObject() throws Exception {
        JsonNode schema = JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}," + "\"required\":[\"path\"]}");

        List<FunctionDescriptor> functions =
                McpToolImport.functions("files", List.of(new McpTool("read", null, "Reads", schema), tool("list")));

        assertThat(functions.get(0).inputSchema())
                .containsEntry("required", List.of("path"))
                .containsKey("properties");
        assertThat(functions.get(1).inputSchema()).isEqualTo(Map.of("type", "object", "properties", Map.of()));
    }

    @Test
    void aServerWithTooManyToolsOrATooDeepSchemaIsRefusedSayingWhich() throws Exception {
        List<McpTool> many = new ArrayList<>();
        for (int i = 0; i < 65; i++) {
            many.add(tool("t" + i));
        }
        assertThatThrownBy(() -> McpToolImport.functions("files", many))
                .isInstanceOf(McpServerException.class)
                .hasMessageContaining("65 tools")
                .hasMessageContaining("at most 64");

        String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
        assertThatThrownBy(() -> McpToolImport.functions(
                        "files", List.of(new McpTool("deep", null, "Deep", JSON.readTree(deep)))))
                .isInstanceOf(McpServerException.class)
                .hasMessageContaining("tool 'deep'")
                .hasMessageContaining("nested deeper than 16");
    }
}
