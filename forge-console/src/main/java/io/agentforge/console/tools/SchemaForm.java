package io.agentforge.console.tools;

import io.agentforge.registry.api.Texts;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A try-it form generated from a function's JSON input schema, and the binding of submitted form values back to a
 * JSON arguments object. Top-level properties become typed inputs; nested objects and arrays are entered as JSON.
 */
public record SchemaForm(List<FormField> fields) {

    static final JsonMapper MAPPER = JsonMapper.builder().build();
    /** Longest number a field accepts (Jackson's own limit for numbers in JSON). */
    static final int MAX_NUMBER_CHARS = 1000;

    public SchemaForm {
        fields = List.copyOf(fields);
    }

    /** The form for a schema; a schema without properties gives a form without fields (arguments {@code {}}). */
    public static SchemaForm of(Map<String, Object> schema) {
        if (schema == null || !(schema.get("properties") instanceof Map<?, ?> properties)) {
            return new SchemaForm(List.of());
        }
        List<String> required = schema.get("required") instanceof Collection<?> names
                ? names.stream().map(String::valueOf).toList()
                : List.of();
        List<FormField> fields = new ArrayList<>();
        properties.forEach((name, value) -> {
            Map<?, ?> property = value instanceof Map<?, ?> map ? map : Map.of();
            fields.add(field(String.valueOf(name), property, required.contains(String.valueOf(name))));
        });
        return new SchemaForm(fields);
    }

    private static FormField field(String name, Map<?, ?> property, boolean required) {
        String schemaType = schemaType(property.get("type"));
        String description = property.get("description") instanceof String text ? text : "";
        String example = property.containsKey("default")
                ? text(property.get("default"))
                : property.get("examples") instanceof List<?> examples && !examples.isEmpty()
                        ? text(examples.getFirst())
                        : "";
        String minimum = property.containsKey("minimum") ? text(property.get("minimum")) : "";
        String maximum = property.containsKey("maximum") ? text(property.get("maximum")) : "";
        if (property.get("enum") instanceof List<?> values && !values.isEmpty()) {
            return new FormField(
                    name,
                    FormField.Type.ENUM,
                    required,
                    description,
                    values.stream()
                            .map(v -> new FormField.Option(text(v), MAPPER.writeValueAsString(v)))
                            .toList(),
                    example,
                    schemaType.isEmpty() ? "enum" : schemaType,
                    minimum,
                    maximum);
        }
        FormField.Type type = switch (schemaType) {
            case "string" -> FormField.Type.TEXT;
            case "integer" -> FormField.Type.INTEGER;
            case "number" -> FormField.Type.NUMBER;
            case "boolean" -> FormField.Type.BOOLEAN;
            default -> FormField.Type.JSON;
        };
        return new FormField(
                name,
                type,
                required,
                description,
                List.of(),
                example,
                schemaType.isEmpty() ? "any" : schemaType,
                minimum,
                maximum);
    }

    /** The first non-null type of {@code "type": "x"} or {@code "type": ["x", "null"]}. */
    private static String schemaType(Object type) {
        if (type instanceof String text) {
            return text;
        }
        if (type instanceof List<?> types) {
            return types.stream()
                    .map(String::valueOf)
                    .filter(t -> !t.equals("null"))
                    .findFirst()
                    .orElse("");
        }
        return "";
    }

    private static String text(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return MAPPER.writeValueAsString(value);
        }
        return String.valueOf(value);
    }

    /**
     * Turns submitted values into the JSON arguments; a blank optional field is left out.
     *
     * @param values the submitted value of a form parameter ({@link FormField#parameter()}), null when absent
     */
    public Binding bind(Function<String, String> values) {
        ObjectNode arguments = JsonNodeFactory.instance.objectNode();
        Map<String, String> errors = new LinkedHashMap<>();
        for (FormField field : fields) {
            String raw = values.apply(field.parameter());
            if (raw == null || raw.isBlank()) {
                if (field.required()) {
                    errors.put(field.name(), "is required");
                }
                continue;
            }
            String value = field.type() == FormField.Type.TEXT ? raw : raw.strip();
            if ((field.type() == FormField.Type.INTEGER || field.type() == FormField.Type.NUMBER)
                    && value.length() > MAX_NUMBER_CHARS) {
                // Parsing a huge number costs time that grows with the square of its length: refuse it first.
                errors.put(field.name(), "has more than " + MAX_NUMBER_CHARS + " characters");
                continue;
            }
            try {
                arguments.set(field.name(), convert(field, value));
            } catch (IllegalArgumentException e) {
                errors.put(field.name(), e.getMessage());
            }
        }
        return new Binding(arguments, errors);
    }

    private static JsonNode convert(FormField field, String value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (field.type()) {
            case TEXT -> nodes.stringNode(value);
            case INTEGER -> {
                try {
                    yield nodes.numberNode(new BigInteger(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "must be a whole number, got '" + Texts.abbreviate(value, 80) + "'");
                }
            }
            case NUMBER -> {
                try {
                    yield nodes.numberNode(new BigDecimal(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("must be a number, got '" + Texts.abbreviate(value, 80) + "'");
                }
            }
            case BOOLEAN ->
                switch (value) {
                    case "true" -> nodes.booleanNode(true);
                    case "false" -> nodes.booleanNode(false);
                    default -> throw new IllegalArgumentException("must be true or false");
                };
            case ENUM -> {
                if (field.options().stream().noneMatch(option -> option.json().equals(value))) {
                    throw new IllegalArgumentException("must be one of "
                            + String.join(
                                    ", ",
                                    field.options().stream()
                                            .map(FormField.Option::label)
                                            .toList()));
                }
                yield MAPPER.readTree(value);
            }
            case JSON -> {
                try {
                    yield MAPPER.readTree(value);
                } catch (JacksonException e) {
                    throw new IllegalArgumentException("is not valid JSON: "
                            + Texts.abbreviate(Objects.requireNonNullElse(e.getOriginalMessage(), ""), 80));
                }
            }
        };
    }

    /** The JSON arguments and, per field name, what is wrong with its value. */
    public record Binding(ObjectNode arguments, Map<String, String> errors) {

        public Binding {
            errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        }

        public boolean isValid() {
            return errors.isEmpty();
        }
    }
}
