package io.agentforge.deploy.compose;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Compose's variable interpolation, as the Compose Specification defines it: {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}},
 * {@code ${VAR:+replacement}}, {@code ${VAR+replacement}}, nested expressions in the default, error or replacement,
 * and {@code $$} for a literal {@code $}. An unset variable without a default becomes the empty string.
 */
final class Interpolation {

    /** A required variable ({@code :?} / {@code ?}) was unset or empty: Compose refuses the file with this message. */
    static final class MissingVariableException extends IllegalArgumentException {

        private final String variable;

        MissingVariableException(String variable, String message) {
            super(variable + ": " + message);
            this.variable = variable;
        }

        String variable() {
            return variable;
        }
    }

    private Interpolation() {}

    /** Every variable name the text refers to, including those inside defaults, errors and replacements. */
    static Set<String> variables(String text) {
        Set<String> names = new LinkedHashSet<>();
        scan(
                text,
                name -> {
                    names.add(name);
                    return null;
                },
                true);
        return names;
    }

    /** The text with every expression replaced from {@code env}. */
    static String interpolate(String text, Map<String, String> env) {
        return scan(text, env::get, false);
    }

    /** Interpolates every string value (not mapping keys, as Compose does) of a parsed YAML tree. */
    @SuppressWarnings("unchecked")
    static Object interpolateTree(Object node, Map<String, String> env) {
        if (node instanceof String text) {
            return interpolate(text, env);
        }
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((key, value) -> copy.put(key, interpolateTree(value, env)));
            return copy;
        }
        if (node instanceof List<?> list) {
            return list.stream().map(item -> interpolateTree(item, env)).toList();
        }
        return node;
    }

    /** Variable names referred to anywhere in a parsed YAML tree (values only). */
    static Set<String> variablesInTree(Object node) {
        Set<String> names = new LinkedHashSet<>();
        if (node instanceof String text) {
            names.addAll(variables(text));
        } else if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> names.addAll(variablesInTree(value)));
        } else if (node instanceof List<?> list) {
            list.forEach(item -> names.addAll(variablesInTree(item)));
        }
        return names;
    }

    /**
     * Walks the text. {@code lookup} gives a variable's value (null when unset). With {@code collectAll} every
     * branch is visited (to list names) and nothing fails; otherwise only the branch Compose would evaluate is.
     */
    private static String scan(String text, Function<String, String> lookup, boolean collectAll) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = text.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
            } else if (next == '{') {
                int end = closingBrace(text, i + 2);
                out.append(expression(text.substring(i + 2, end), lookup, collectAll));
                i = end + 1;
            } else if (isNameStart(next)) {
                int end = i + 1;
                while (end < text.length() && isNamePart(text.charAt(end))) {
                    end++;
                }
                String value = lookup.apply(text.substring(i + 1, end));
                out.append(value == null ? "" : value);
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int closingBrace(String text, int from) {
        int depth = 1;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
                i++;
            } else if (c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                depth++;
                i++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("Unclosed ${ in: " + text);
    }

    private static String expression(String body, Function<String, String> lookup, boolean collectAll) {
        int end = 0;
        if (body.isEmpty() || !isNameStart(body.charAt(0))) {
            throw new IllegalArgumentException("Invalid interpolation: ${" + body + "}");
        }
        while (end < body.length() && isNamePart(body.charAt(end))) {
            end++;
        }
        String name = body.substring(0, end);
        String rest = body.substring(end);
        String value = lookup.apply(name);
        if (rest.isEmpty()) {
            return value == null ? "" : value;
        }
        boolean colon = rest.startsWith(":");
        if (colon && rest.length() < 2) {
            throw new IllegalArgumentException("Invalid interpolation: ${" + body + "}");
        }
        String op = colon ? rest.substring(0, 2) : rest.substring(0, 1);
        String operand = rest.substring(op.length());
        if (collectAll) {
            scan(operand, lookup, true);
            return "";
        }
        boolean set = value != null && (!colon || !value.isEmpty());
        return switch (op.charAt(op.length() - 1)) {
            case '-' -> set ? value : scan(operand, lookup, false);
            case '+' -> set ? scan(operand, lookup, false) : "";
            case '?' -> {
                if (!set) {
                    throw new MissingVariableException(name, scan(operand, lookup, false));
                }
                yield value;
            }
            default -> throw new IllegalArgumentException("Unsupported interpolation: ${" + body + "}");
        };
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
