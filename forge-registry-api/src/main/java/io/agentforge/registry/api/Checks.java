package io.agentforge.registry.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Validation helpers shared by the records' compact constructors. */
final class Checks {

    private Checks() {}

    static String required(String field, @Nullable String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFieldException(field, "is required");
        }
        return value;
    }

    static <T> T required(String field, @Nullable T value) {
        if (value == null) {
            throw new InvalidFieldException(field, "is required");
        }
        return value;
    }

    static String matches(String field, @Nullable String value, Pattern pattern) {
        required(field, value);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidFieldException(field, "'" + abbreviate(value) + "' does not match " + pattern.pattern());
        }
        return value;
    }

    static @Nullable String maxLength(String field, @Nullable String value, int max) {
        if (value != null && value.length() > max) {
            throw new InvalidFieldException(field, "is longer than " + max + " characters");
        }
        return value;
    }

    static <T> List<T> maxSize(String field, @Nullable List<? extends @Nullable T> values, int max) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > max) {
            throw new InvalidFieldException(
                    field, "has " + values.size() + " entries, at most " + max + " are allowed");
        }
        for (int i = 0; i < values.size(); i++) {
            required(field + "[" + i + "]", values.get(i));
        }
        return List.copyOf(values);
    }

    /** Schemas arrive as untyped JSON; bound their nesting so a hostile document can't exhaust the stack later. */
    static @Nullable Map<String, @Nullable Object> jsonObject(
            String field, @Nullable Map<String, @Nullable Object> value, int maxDepth) {
        if (value == null) {
            return null;
        }
        depth(field, value, 1, maxDepth);
        return value;
    }

    private static void depth(String field, @Nullable Object node, int level, int maxDepth) {
        if (level > maxDepth) {
            throw new InvalidFieldException(field, "is nested deeper than " + maxDepth + " levels");
        }
        if (node instanceof Map<?, ?> map) {
            for (Object child : map.values()) {
                depth(field, child, level + 1, maxDepth);
            }
        } else if (node instanceof List<?> list) {
            for (Object child : list) {
                depth(field, child, level + 1, maxDepth);
            }
        }
    }

    static Duration between(String field, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidFieldException(
                    field,
                    ForgeDurations.format(value) + " is outside " + ForgeDurations.format(min) + ".."
                            + ForgeDurations.format(max));
        }
        return value;
    }

    static String abbreviate(String value) {
        return Texts.abbreviate(value, 80);
    }
}
