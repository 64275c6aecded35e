package io.agentforge.console.tools;

import io.agentforge.client.Problem;
import java.util.Map;

/**
 * The outcome of trying a function, as the Tools page shows it.
 *
 * @param outcome {@code ok}, {@code problem} (the tool or the console refused) or {@code invalid} (the form)
 * @param json    the pretty-printed result, for {@code ok}
 * @param errors  per field, what is wrong, for {@code invalid}
 */
public record ToolResult(
        String outcome,
        String function,
        String json,
        int status,
        String title,
        String detail,
        String type,
        Map<String, String> errors,
        long durationMs) {

    public ToolResult {
        errors = errors == null ? Map.of() : errors;
    }

    static ToolResult ok(String function, String json, long durationMs) {
        return new ToolResult("ok", function, json, 200, "", "", "", Map.of(), durationMs);
    }

    static ToolResult problem(String function, Problem problem, long durationMs) {
        return new ToolResult(
                "problem",
                function,
                "",
                problem.status(),
                problem.title(),
                problem.detail(),
                problem.type().toString(),
                Map.of(),
                durationMs);
    }

    static ToolResult invalid(String function, Map<String, String> errors) {
        return new ToolResult("invalid", function, "", 400, "Check the form", "", "", errors, 0);
    }
}
