package io.agentforge.registry.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Answer of {@code GET /api/v1/catalog/search}: the functions of tools with an {@code UP} instance that best fit the
 * query, best first.
 *
 * @param eventId           the change-feed event the searched catalog reflects
 * @param mode              how the answer was ranked; {@code lexical} when embeddings are switched off
 * @param pendingEmbeddings functions of the searched catalog still waiting for their embedding; they are found by
 *                          their words only until it exists
 */
public record CatalogSearchResult(
        long eventId, String query, SearchMode mode, int pendingEmbeddings, List<FunctionMatch> matches) {

    public static final int MAX_QUERY = 1000;
    public static final int MAX_K = 100;

    /** Absent {@code matches}: none. */
    public CatalogSearchResult(
            long eventId, String query, SearchMode mode, int pendingEmbeddings, @Nullable List<FunctionMatch> matches) {
        Checks.required("query", query);
        Checks.maxLength("query", query, MAX_QUERY);
        Checks.required("mode", mode);
        if (pendingEmbeddings < 0) {
            throw new InvalidFieldException("pendingEmbeddings", "is negative");
        }
        matches = Checks.maxSize("matches", matches, MAX_K);
        this.eventId = eventId;
        this.query = query;
        this.mode = mode;
        this.pendingEmbeddings = pendingEmbeddings;
        this.matches = matches;
    }
}
