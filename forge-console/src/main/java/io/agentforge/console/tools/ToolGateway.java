package io.agentforge.console.tools;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Optional;

/** The function catalog and calls to it, made with the console's own key. */
public interface ToolGateway {

    /** Every function of a tool with an UP instance, as last seen (never blocks on the registry). */
    List<CatalogFunction> functions();

    Optional<CatalogFunction> function(String name);

    /**
     * Calls the function on one of its tool's UP instances.
     *
     * @throws io.agentforge.client.ToolInvocationException  the tool refused the call (4xx) with a problem detail
     * @throws io.agentforge.client.ToolUnavailableException no instance could run it
     */
    JsonNode invoke(String function, JsonNode arguments);
}
