package io.agentforge.registry.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** One LLM-callable function of a tool: unique name, description, and JSON Schemas of its input and output. */
public record FunctionDescriptor(
        String name,
        String description,
        Map<String, @Nullable Object> inputSchema,
        @Nullable Map<String, @Nullable Object> outputSchema) {

    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    public static final int MAX_DESCRIPTION = 2048;
    public static final int MAX_SCHEMA_DEPTH = 16;

    /** An absent {@code inputSchema} becomes an object without properties. */
    public FunctionDescriptor(
            String name,
            String description,
            @Nullable Map<String, @Nullable Object> inputSchema,
            @Nullable Map<String, @Nullable Object> outputSchema) {
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
    }

    // Map.copyOf would reject JSON nulls inside a schema (e.g. "default": null); keep insertion order for stable ETags.
    private static Map<String, @Nullable Object> unmodifiable(Map<String, @Nullable Object> schema) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(schema));
    }
}
