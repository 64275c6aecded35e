package io.agentforge.agent.tooling;

import io.agentforge.registry.api.CatalogSearchResult;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which functions of the catalog the agent offers the model. A large catalog costs tokens on every turn and makes
 * models pick the wrong tool, so above the threshold the model gets only the functions that fit the question, plus
 * {@code search_tools} to find others.
 *
 * @param exposureThreshold up to this many catalog functions, every one is offered (as if progressive exposure did
 *                          not exist); above it, exposure is progressive
 * @param topK              functions offered up front with progressive exposure: the registry's best matches for the
 *                          question
 * @param searchResults     functions one {@code search_tools} call finds (and so adds to the offer)
 */
@ConfigurationProperties("agentforge.agent.tools")
public record ToolExposureProperties(
        @DefaultValue("16") int exposureThreshold,
        @DefaultValue("8") int topK,
        @DefaultValue("5") int searchResults) {

    public ToolExposureProperties {
        if (exposureThreshold < 0) {
            throw new IllegalArgumentException("agentforge.agent.tools.exposure-threshold must not be negative");
        }
        if (topK < 1 || topK > CatalogSearchResult.MAX_K) {
            throw new IllegalArgumentException(
                    "agentforge.agent.tools.top-k must be between 1 and " + CatalogSearchResult.MAX_K);
        }
        if (searchResults < 1 || searchResults > CatalogSearchResult.MAX_K) {
            throw new IllegalArgumentException(
                    "agentforge.agent.tools.search-results must be between 1 and " + CatalogSearchResult.MAX_K);
        }
    }

    /** The defaults, for code that builds an exposure without Spring. */
    public static ToolExposureProperties defaults() {
        return new ToolExposureProperties(16, 8, 5);
    }
}
