package io.agentforge.starter;

import io.agentforge.registry.api.Texts;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Checks arguments against the subset of JSON Schema (2020-12) that Spring AI generates for method parameters:
 * {@code type} (one or several), {@code properties}, {@code required}, {@code additionalProperties}, {@code items},
 * {@code enum}, {@code const}, {@code pattern}, length, size and numeric bounds, {@code anyOf}/{@code oneOf}/
 * {@code allOf}, and local {@code $ref}s into {@code $defs}. Unknown keywords are ignored, as the spec says.
 *
 * <p>Recursion follows the schema, not the document, and is bounded, so a hostile document or a recursive schema
 * cannot exhaust the stack. Thread-safe.
 */
final class ArgumentValidator {

    /** One broken rule; {@code field} is a path such as {@code point.tags[2]}, empty for the whole document. */
    record Violation(String field, String message) {

        String describe() {
            return field.isEmpty() ? message : "'" + field + "' " + message;
        }
    }

    private static final int MAX_DEPTH = 64;
    private static final int MAX_VIOLATIONS = 20;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private final JsonNode root;

    ArgumentValidator(JsonNode schema) {
        this.root = schema;
    }

    List<Violation> validate(JsonNode arguments) {
        List<Violation> violations = new ArrayList<>();
        check(arguments, root, "", 0, violations);
        return violations.size() > MAX_VIOLATIONS
                ? List.copyOf(violations.subList(0, MAX_VIOLATIONS))
                : List.copyOf(violations);
    }

    private void check(JsonNode value, JsonNode schema, String path, int depth, List<Violation> out) {
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH || out.size() > MAX_VIOLATIONS) {
            // Boolean schemas (true/false) only appear inside additionalProperties, handled there.
            return;
        }
        JsonNode ref = schema.get("$ref");
        if (ref != null && ref.isString()) {
            check(value, resolve(ref.asString()), path, depth + 1, out);
        }
        JsonNode type = schema.get("type");
        if (type != null && !matchesType(value, type)) {
            out.add(new Violation(path, "must be " + describeType(type) + " but is " + describe(value)));
            return;
        }
        checkEnum(value, schema, path, out);
        if (value.isObject()) {
            checkObject(value, schema, path, depth, out);
        } else if (value.isArray()) {
            checkArray(value, schema, path, depth, out);
        } else if (value.isString()) {
            checkString(value.asString(), schema, path, out);
        } else if (value.isNumber()) {
            checkNumber(value.decimalValue(), schema, path, out);
        }
        checkCombinations(value, schema, path, depth, out);
    }

    private void checkEnum(JsonNode value, JsonNode schema, String path, List<Violation> out) {
        JsonNode constant = schema.get("const");
        if (constant != null && !sameValue(constant, value)) {
            out.add(new Violation(path, "must be " + constant));
        }
        JsonNode allowed = schema.get("enum");
        if (allowed != null && allowed.isArray()) {
            for (JsonNode option : allowed) {
                if (sameValue(option, value)) {
                    return;
                }
            }
            out.add(new Violation(
                    path, "must be one of " + allowed + " but is " + Texts.abbreviate(value.toString(), 80)));
        }
    }

    private void checkObject(JsonNode value, JsonNode schema, String path, int depth, List<Violation> out) {
        JsonNode properties = schema.path("properties");
        JsonNode required = schema.get("required");
        if (required != null && required.isArray()) {
            for (JsonNode name : required) {
                if (name.isString() && !value.has(name.asString())) {
                    out.add(new Violation(child(path, name.asString()), "is required"));
                }
            }
        }
        JsonNode additional = schema.get("additionalProperties");
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
            String name = entry.getKey();
            JsonNode propertySchema = properties.get(name);
            if (propertySchema != null) {
                check(entry.getValue(), propertySchema, child(path, name), depth + 1, out);
            } else if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                String known = properties.isObject() && !properties.isEmpty()
                        ? " (expected: " + String.join(", ", properties.propertyNames()) + ")"
                        : "";
                out.add(new Violation(child(path, name), "is not a known argument" + known));
            } else if (additional != null && additional.isObject()) {
                check(entry.getValue(), additional, child(path, name), depth + 1, out);
            }
        }
        int size = value.size();
        if (size < schema.path("minProperties").asInt(0)) {
            out.add(new Violation(
                    path, "needs at least " + schema.path("minProperties").asInt() + " entries"));
        }
        if (schema.has("maxProperties") && size > schema.path("maxProperties").asInt()) {
            out.add(new Violation(
                    path, "allows at most " + schema.path("maxProperties").asInt() + " entries"));
        }
    }

    private void checkArray(JsonNode value, JsonNode schema, String path, int depth, List<Violation> out) {
        JsonNode items = schema.get("items");
        if (items != null && items.isObject()) {
            for (int i = 0; i < value.size() && out.size() <= MAX_VIOLATIONS; i++) {
                check(value.get(i), items, path + "[" + i + "]", depth + 1, out);
            }
        }
        if (value.size() < schema.path("minItems").asInt(0)) {
            out.add(new Violation(
                    path, "needs at least " + schema.path("minItems").asInt() + " items"));
        }
        if (schema.has("maxItems") && value.size() > schema.path("maxItems").asInt()) {
            out.add(new Violation(
                    path, "allows at most " + schema.path("maxItems").asInt() + " items"));
        }
    }

    private static void checkString(String text, JsonNode schema, String path, List<Violation> out) {
        int length = text.codePointCount(0, text.length());
        if (schema.has("minLength") && length < schema.path("minLength").asInt()) {
            out.add(new Violation(
                    path, "must have at least " + schema.path("minLength").asInt() + " characters"));
        }
        if (schema.has("maxLength") && length > schema.path("maxLength").asInt()) {
            out.add(new Violation(
                    path, "must have at most " + schema.path("maxLength").asInt() + " characters"));
            // Too long already: don't spend a pattern match on it.
            return;
        }
        JsonNode pattern = schema.get("pattern");
        if (pattern != null && pattern.isString()) {
            Pattern compiled = pattern(pattern.asString());
            if (compiled != null && !compiled.matcher(text).find()) {
                out.add(new Violation(
                        path,
                        "must match " + pattern.asString() + " but is " + Texts.abbreviate("\"" + text + "\"", 80)));
            }
        }
    }

    private static void checkNumber(BigDecimal number, JsonNode schema, String path, List<Violation> out) {
        bound(number, schema, "minimum", path, out, c -> c >= 0, "at least");
        bound(number, schema, "maximum", path, out, c -> c <= 0, "at most");
        bound(number, schema, "exclusiveMinimum", path, out, c -> c > 0, "greater than");
        bound(number, schema, "exclusiveMaximum", path, out, c -> c < 0, "less than");
    }

    private static void bound(
            BigDecimal number,
            JsonNode schema,
            String keyword,
            String path,
            List<Violation> out,
            IntPredicate accepts,
            String words) {
        JsonNode limit = schema.get(keyword);
        if (limit != null && limit.isNumber() && !accepts.test(number.compareTo(limit.decimalValue()))) {
            out.add(new Violation(
                    path, "must be " + words + " " + limit.decimalValue().toPlainString()));
        }
    }

    private void checkCombinations(JsonNode value, JsonNode schema, String path, int depth, List<Violation> out) {
        JsonNode allOf = schema.get("allOf");
        if (allOf != null && allOf.isArray()) {
            for (JsonNode part : allOf) {
                check(value, part, path, depth + 1, out);
            }
        }
        JsonNode anyOf = schema.get("anyOf");
        if (anyOf != null && anyOf.isArray() && matching(value, anyOf, path, depth) == 0) {
            out.add(new Violation(path, "matches none of the allowed forms"));
        }
        JsonNode oneOf = schema.get("oneOf");
        if (oneOf != null && oneOf.isArray()) {
            int matches = matching(value, oneOf, path, depth);
            if (matches != 1) {
                out.add(new Violation(
                        path,
                        matches == 0
                                ? "matches none of the allowed forms"
                                : "matches more than one of the exclusive forms"));
            }
        }
    }

    private int matching(JsonNode value, JsonNode alternatives, String path, int depth) {
        int matches = 0;
        for (JsonNode alternative : alternatives) {
            List<Violation> trial = new ArrayList<>();
            check(value, alternative, path, depth + 1, trial);
            if (trial.isEmpty()) {
                matches++;
            }
        }
        return matches;
    }

    private JsonNode resolve(String ref) {
        if (!ref.startsWith("#")) {
            return null;
        }
        JsonNode node = root;
        for (String token : ref.substring(1).split("/")) {
            if (!token.isEmpty()) {
                node = node.path(token.replace("~1", "/").replace("~0", "~"));
            }
        }
        return node.isMissingNode() ? null : node;
    }

    private static boolean matchesType(JsonNode value, JsonNode type) {
        if (type.isArray()) {
            for (JsonNode option : type) {
                if (matchesType(value, option)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asString("")) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isString();
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            case "number" -> value.isNumber();
            // JSON Schema counts 1.0 as an integer.
            case "integer" ->
                value.isIntegralNumber()
                        || (value.isNumber()
                                && value.decimalValue().stripTrailingZeros().scale() <= 0);
            default -> true;
        };
    }

    private static String describeType(JsonNode type) {
        if (type.isArray()) {
            List<String> names = new ArrayList<>();
            type.forEach(t -> names.add(article(t.asString(""))));
            return String.join(" or ", names);
        }
        return article(type.asString(""));
    }

    private static String article(String type) {
        return switch (type) {
            case "object", "array", "integer" -> "an " + type;
            case "null" -> "null";
            default -> "a " + type;
        };
    }

    private static String describe(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "an array";
        }
        if (value.isString()) {
            return "a string";
        }
        if (value.isBoolean()) {
            return "a boolean";
        }
        return value.isIntegralNumber() ? "an integer" : "a number";
    }

    private static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return expected.equals(actual);
    }

    private static Pattern pattern(String regex) {
        try {
            return PATTERNS.computeIfAbsent(regex, Pattern::compile);
        } catch (PatternSyntaxException e) {
            // A schema we can't enforce: ignore the keyword rather than refuse every call.
            return null;
        }
    }

    private static String child(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** A short list of violations for a problem detail. */
    static String summary(List<Violation> violations) {
        return violations.stream().limit(5).map(Violation::describe).collect(Collectors.joining("; "))
                + (violations.size() > 5 ? "; and " + (violations.size() - 5) + " more" : "");
    }
}
