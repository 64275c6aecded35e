package io.agentforge.console.tools;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import java.util.Map;

/** One function on the page with its generated form. */
public record ToolView(
        String name, String service, String description, SchemaForm form, String inputSchema, String outputSchema) {

    static ToolView of(CatalogFunction function) {
        var pretty = SchemaForm.MAPPER.writerWithDefaultPrettyPrinter();
        Map<String, Object> output = function.outputSchema();
        return new ToolView(
                function.name(),
                function.service(),
                function.description() == null ? "" : function.description(),
                SchemaForm.of(function.inputSchema()),
                function.inputSchema() == null ? "{}" : pretty.writeValueAsString(function.inputSchema()),
                output == null ? "" : pretty.writeValueAsString(output));
    }
}
