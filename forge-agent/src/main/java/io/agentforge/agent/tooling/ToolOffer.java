package io.agentforge.agent.tooling;

import io.agentforge.agent.tooling.ToolExposure.Finder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The functions offered to the model during one question. With progressive exposure the offer starts with the
 * best matches for the question and grows with what {@code search_tools} finds; every catalog function stays
 * callable by name, so a found function works from the next turn on. Thread-safe: a turn's tool calls run in
 * parallel.
 */
public final class ToolOffer {

    /** The meta-function that finds more catalog functions. */
    public static final String SEARCH_TOOLS = "search_tools";

    private final Map<String, ToolCallback> functions;
    private final Map<String, ToolCallback> callable;
    private final Set<String> offered = new LinkedHashSet<>();
    private final @Nullable ToolCallback searchTool;
    private final @Nullable String reason;
    private boolean changed = true;

    private ToolOffer(
            ToolCallback[] available,
            List<String> initial,
            @Nullable Finder finder,
            int searchResults,
            @Nullable JsonMapper json,
            @Nullable String reason) {
        Map<String, ToolCallback> byName = new LinkedHashMap<>();
        for (ToolCallback tool : available) {
            byName.put(tool.getToolDefinition().name(), tool);
        }
        this.functions = Collections.unmodifiableMap(byName);
        this.reason = reason;
        if (finder == null) {
            this.searchTool = null;
            offered.addAll(functions.keySet());
            this.callable = functions;
        } else {
            this.searchTool = new SearchTools(finder, searchResults, json);
            initial.stream().filter(functions::containsKey).forEach(offered::add);
            Map<String, ToolCallback> all = new LinkedHashMap<>(functions);
            // The meta-function wins over a catalog function that happens to share its name.
            all.put(SEARCH_TOOLS, searchTool);
            this.callable = Collections.unmodifiableMap(all);
        }
    }

    /** Every function, as below the threshold; {@code reason} says why when the catalog is above it. */
    static ToolOffer all(ToolCallback[] available, @Nullable String reason) {
        return new ToolOffer(available, List.of(), null, 0, null, reason);
    }

    static ToolOffer progressive(
            ToolCallback[] available, List<String> initial, Finder finder, int searchResults, JsonMapper json) {
        return new ToolOffer(available, initial, finder, searchResults, json, null);
    }

    /** What to send the model this turn: the offered functions, best first, then {@code search_tools}. */
    public synchronized List<ToolCallback> offered() {
        List<ToolCallback> tools = new ArrayList<>(offered.size() + 1);
        offered.forEach(name -> tools.add(functions.get(name)));
        if (searchTool != null) {
            tools.add(searchTool);
        }
        return tools;
    }

    /** Every function a tool call may name (the whole catalog, and {@code search_tools} when offered). */
    public Map<String, ToolCallback> callable() {
        return callable;
    }

    /**
     * The offer, when it changed since the last call (the first call answers); never for an offer of every function
     * below the threshold, whose stream stays as it was before progressive exposure.
     */
    public synchronized Optional<ToolsOffered> changes() {
        if (!changed || (searchTool == null && reason == null)) {
            return Optional.empty();
        }
        changed = false;
        return Optional.of(describe());
    }

    public synchronized ToolsOffered describe() {
        List<String> names = new ArrayList<>(offered);
        if (searchTool != null) {
            names.add(SEARCH_TOOLS);
        }
        return new ToolsOffered(
                searchTool == null ? ToolsOffered.ALL : ToolsOffered.SEARCH, functions.size(), names, reason);
    }

    private synchronized List<ToolCallback> add(List<String> names) {
        List<ToolCallback> found = new ArrayList<>();
        for (String name : names) {
            ToolCallback tool = functions.get(name);
            if (tool != null) {
                found.add(tool);
                changed |= offered.add(name);
            }
        }
        return found;
    }

    /** {@code search_tools}: finds catalog functions by what they do and adds them to the offer. */
    private final class SearchTools implements ToolCallback {

        private final Finder finder;
        private final int k;
        private final JsonMapper json;
        private final ToolDefinition definition;

        SearchTools(Finder finder, int k, JsonMapper json) {
            this.finder = finder;
            this.k = k;
            this.json = json;
            this.definition = DefaultToolDefinition.builder()
                    .name(SEARCH_TOOLS)
                    .description("Finds more tools by what they do, when none of the offered tools fits the task."
                            + " The tools it finds can be called from your next step on.")
                    .inputSchema(json.writeValueAsString(ToolExposure.searchSchema()))
                    .build();
        }

        @Override
        public ToolDefinition getToolDefinition() {
            return definition;
        }

        @Override
        public String call(String arguments) {
            JsonNode parsed = json.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
            String query = parsed.path("query").asString("").strip();
            if (query.isEmpty()) {
                throw new IllegalArgumentException(
                        "search_tools needs a 'query': what the tool should do, in a few words");
            }
            List<Map<String, String>> found = new ArrayList<>();
            for (ToolCallback tool : add(finder.find(query, k))) {
                found.add(Map.of(
                        "name",
                        tool.getToolDefinition().name(),
                        "description",
                        tool.getToolDefinition().description()));
            }
            return json.writeValueAsString(Map.of(
                    "tools",
                    found,
                    "note",
                    found.isEmpty()
                            ? "No tool fits; try other words, or answer without a tool."
                            : "These tools can be called from your next step on."));
        }
    }
}
