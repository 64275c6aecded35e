package io.agentforge.agent.tooling;

import io.agentforge.client.FunctionSearch;
import io.agentforge.client.RegistryClient;
import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.FunctionMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.tool.ToolCallback;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides, per question, which catalog functions the model is offered: all of them up to the threshold; above it
 * the registry's best matches for the question plus {@code search_tools}. When the registry's search fails the
 * question is still answered, with every function offered, and the offer says why.
 */
public final class ToolExposure {

    private static final Logger log = LoggerFactory.getLogger(ToolExposure.class);

    private final @Nullable RegistryClient registry;
    private final ToolExposureProperties settings;
    private final JsonMapper json;

    public ToolExposure(@Nullable RegistryClient registry, ToolExposureProperties settings, JsonMapper json) {
        this.registry = registry;
        this.settings = settings;
        this.json = json;
    }

    /** Offers every function, always: for code without a registry to search. */
    public static ToolExposure everything(JsonMapper json) {
        return new ToolExposure(null, new ToolExposureProperties(Integer.MAX_VALUE, 1, 1), json);
    }

    public ToolExposureProperties settings() {
        return settings;
    }

    /** The offer for one question over the catalog's functions {@code available}. */
    public ToolOffer offer(ToolCallback[] available, String question) {
        if (registry == null || available.length <= settings.exposureThreshold()) {
            return ToolOffer.all(available, null);
        }
        List<String> found;
        try {
            found = search(question, settings.topK());
        } catch (RuntimeException e) {
            log.warn(
                    "Catalog search failed; offering all {} functions to the model: {}",
                    available.length,
                    e.toString());
            return ToolOffer.all(available, "the catalog search failed: " + e.getMessage());
        }
        return ToolOffer.progressive(available, found, this::search, settings.searchResults(), json);
    }

    // The registry takes at most MAX_QUERY characters; a question's start says most about what it needs.
    private List<String> search(String text, int k) {
        String query = text.strip();
        if (query.length() > CatalogSearchResult.MAX_QUERY) {
            query = query.substring(0, CatalogSearchResult.MAX_QUERY);
        }
        List<String> names = new ArrayList<>();
        for (FunctionMatch match :
                registry.searchFunctions(FunctionSearch.of(query, k)).matches()) {
            names.add(match.name());
        }
        return names;
    }

    /** Finds function names for a text: the registry's search, or a stand-in. */
    @FunctionalInterface
    interface Finder {
        List<String> find(String query, int k);
    }

    static Map<String, Object> searchSchema() {
        return Map.of(
                "type",
                "object",
                "properties",
                Map.of(
                        "query",
                        Map.of(
                                "type",
                                "string",
                                "description",
                                "What the tool should do, in a few words, e.g. 'convert currencies'")),
                "required",
                List.of("query"));
    }
}
