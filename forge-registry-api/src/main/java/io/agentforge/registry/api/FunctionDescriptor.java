package io.agentforge.registry.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** One LLM-callable function of a tool: unique name, description, and JSON Schemas of its input and output. */
public record FunctionDescriptor(String name, String description, Map<String, Object> inputSchema,
                                 Map<String, Object> outputSchema) {

    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    public static final int MAX_DESCRIPTION = 2048;
    public static final int MAX_SCHEMA_DEPTH = 16;

    public FunctionDescriptor {
        Checks.matches("name", name, NAME);
        Checks.required("description", description);
        Checks.maxLength("description", description, MAX_DESCRIPTION);
        inputSchema = inputSchema == null
                ? Map.of("type", "object", "properties", Map.of())
                : unmodifiable(Checks.jsonObject("inputSchema", inputSchema, MAX_SCHEMA_DEPTH));
        outputSchema = outputSchema == null ? null
                : unmodifiable(Checks.jsonObject("outputSchema", outputSchema, MAX_SCHEMA_DEPTH));
    }

    // Map.copyOf would reject JSON nulls inside a schema (e.g. "default": null); keep insertion order for stable ETags.
    private static Map<String, Object> unmodifiable(Map<String, Object> schema) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schema));
    }
}
