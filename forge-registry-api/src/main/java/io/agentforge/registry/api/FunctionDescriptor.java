package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** One LLM-callable function of a tool: unique name, description, and JSON Schemas of its input and output. */
public record FunctionDescriptor(
        String name,
        String description,
        Map<String, @Nullable Object> inputSchema,
        @Nullable Map<String, @Nullable Object> outputSchema,
        // Absent (not null) in JSON for the functions of forge tools, which are nearly all of them.
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String mcpName) {

    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    /** Longest MCP tool name kept for an imported function (the MCP spec recommends at most 128 characters). */
    public static final int MAX_MCP_NAME = 128;

    public static final int MAX_DESCRIPTION = 2048;
    public static final int MAX_SCHEMA_DEPTH = 16;

    /** A function of a forge tool (no MCP tool name). */
    public FunctionDescriptor(
            String name,
            String description,
            @Nullable Map<String, @Nullable Object> inputSchema,
            @Nullable Map<String, @Nullable Object> outputSchema) {
        this(name, description, inputSchema, outputSchema, null);
    }

    /**
     * An absent {@code inputSchema} becomes an object without properties. {@code mcpName} is the tool's own name on
     * its MCP server when the function was imported from one ({@code tools/call} uses it); null otherwise.
     */
    public FunctionDescriptor(
            String name,
            String description,
            @Nullable Map<String, @Nullable Object> inputSchema,
            @Nullable Map<String, @Nullable Object> outputSchema,
            @Nullable String mcpName) {
        Checks.matches("name", name, NAME);
        Checks.required("description", description);
        Checks.maxLength("description", description, MAX_DESCRIPTION);
        inputSchema = inputSchema == null
                ? Map.of("type", "object", "properties", Map.of())
                : unmodifiable(Checks.jsonObject("inputSchema", inputSchema, MAX_SCHEMA_DEPTH));
        outputSchema = outputSchema == null
                ? null
                : unmodifiable(Checks.jsonObject("outputSchema", outputSchema, MAX_SCHEMA_DEPTH));
        this.name = name;
        this.description = description;
        this.inputSchema = inputSchema;
        this.outputSchema = outputSchema;
        if (mcpName != null && (mcpName.isEmpty() || mcpName.length() > MAX_MCP_NAME)) {
            throw new InvalidFieldException("mcpName", "must have 1 to " + MAX_MCP_NAME + " characters");
        }
        this.mcpName = mcpName;
    }

    // Map.copyOf would reject JSON nulls inside a schema (e.g. "default": null); keep insertion order for stable ETags.
    private static Map<String, @Nullable Object> unmodifiable(Map<String, @Nullable Object> schema) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schema));
    }
}
