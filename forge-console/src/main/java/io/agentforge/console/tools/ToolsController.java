package io.agentforge.console.tools;

import io.agentforge.client.Problem;
import io.agentforge.client.RegistryException;
import io.agentforge.client.ToolInvocationException;
import io.agentforge.client.ToolUnavailableException;
import io.agentforge.console.security.Credentials;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.FunctionMatch;
import io.agentforge.registry.api.ProblemTypes;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

@Controller
class ToolsController {

    static final URI UNKNOWN_FUNCTION = ProblemTypes.of("unknown-function");
    static final URI TOOL_UNAVAILABLE = ProblemTypes.of("tool-unavailable");
    static final int SEARCH_RESULTS = 20;

    private final ToolGateway tools;
    private final Credentials credentials;
    private final Clock clock;

    ToolsController(ToolGateway tools, Credentials credentials, Clock clock) {
        this.tools = tools;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** Without {@code q}: every function by service; with it: the registry's search, best first. */
    @GetMapping("/tools")
    String page(@RequestParam(required = false) String q, Model model) {
        String query = q == null ? "" : q.strip();
        List<ToolView> views;
        Map<String, String> scores = new HashMap<>();
        String searchProblem = null;
        if (query.isEmpty()) {
            views = sorted(tools.functions());
        } else {
            try {
                List<ToolView> found = new ArrayList<>();
                for (FunctionMatch match : tools.search(query, SEARCH_RESULTS)) {
                    found.add(ToolView.of(new CatalogFunction(
                            match.name(),
                            match.description(),
                            match.inputSchema(),
                            match.outputSchema(),
                            match.service())));
                    scores.put(match.name(), String.format(Locale.ROOT, "%.2f", match.score()));
                }
                views = found;
            } catch (RegistryException | IllegalArgumentException e) {
                // The page stays useful without the registry's search: filter the cached catalog by the words.
                searchProblem = e instanceof RegistryException registry
                        ? registry.problem().detail()
                        : e.getMessage();
                views = sorted(tools.functions().stream()
                        .filter(function -> matches(function, query))
                        .toList());
            }
        }
        model.addAttribute("q", query);
        model.addAttribute("tools", views);
        model.addAttribute("scores", scores);
        model.addAttribute("searchProblem", searchProblem);
        model.addAttribute("total", tools.functions().size());
        return "tools";
    }

    private static List<ToolView> sorted(List<CatalogFunction> functions) {
        return functions.stream()
                .sorted(Comparator.comparing(CatalogFunction::service).thenComparing(CatalogFunction::name))
                .map(ToolView::of)
                .toList();
    }

    @PostMapping("/tools/{name}/invoke")
    String invoke(
            @PathVariable String name,
            @RequestParam MultiValueMap<String, String> form,
            Authentication authentication,
            Model model) {
        model.addAttribute("result", run(name, form, authentication));
        return "tool-result :: result";
    }

    private ToolResult run(String name, MultiValueMap<String, String> form, Authentication authentication) {
        CatalogFunction function = tools.function(name).orElse(null);
        if (function == null) {
            return ToolResult.problem(
                    name,
                    new Problem(
                            404,
                            UNKNOWN_FUNCTION,
                            "Unknown function",
                            "No tool with an UP instance offers '" + name + "' any more; reload the page"),
                    0);
        }
        SchemaForm.Binding binding = SchemaForm.of(function.inputSchema()).bind(form::getFirst);
        if (!binding.isValid()) {
            return ToolResult.invalid(name, binding.errors());
        }
        long started = clock.millis();
        try {
            // The tool gets a token for its own name on the person's behalf; their credential goes to the registry.
            JsonNode result = tools.invoke(name, binding.arguments(), credentials.subjectCredential(authentication));
            return ToolResult.ok(
                    name,
                    SchemaForm.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(result),
                    clock.millis() - started);
        } catch (ToolInvocationException e) {
            return ToolResult.problem(name, e.problem(), clock.millis() - started);
        } catch (RegistryException e) {
            return ToolResult.problem(name, e.problem(), clock.millis() - started);
        } catch (ToolUnavailableException e) {
            return ToolResult.problem(
                    name,
                    new Problem(503, TOOL_UNAVAILABLE, "Tool unavailable", e.getMessage()),
                    clock.millis() - started);
        }
    }

    private static boolean matches(CatalogFunction function, String filter) {
        if (filter.isEmpty()) {
            return true;
        }
        String needle = filter.toLowerCase(Locale.ROOT);
        return function.name().toLowerCase(Locale.ROOT).contains(needle)
                || function.service().toLowerCase(Locale.ROOT).contains(needle)
                || (function.description() != null
                        && function.description().toLowerCase(Locale.ROOT).contains(needle));
    }
}
