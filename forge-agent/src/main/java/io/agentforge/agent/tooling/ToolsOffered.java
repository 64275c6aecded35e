package io.agentforge.agent.tooling;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the model is offered from a turn on: streamed as a {@code tools} event whenever it changes.
 *
 * @param mode    {@code all}: every catalog function; {@code search}: the best matches for the question plus
 *                {@code search_tools}
 * @param total   functions in the catalog
 * @param offered the names offered, {@code search_tools} included
 * @param reason  why every function is offered although the catalog is above the threshold (the search failed);
 *                null otherwise
 */
public record ToolsOffered(
        String mode,
        int total,
        List<String> offered,
        @Nullable String reason) {

    public static final String ALL = "all";
    public static final String SEARCH = "search";

    public ToolsOffered {
        offered = List.copyOf(offered);
    }
}
