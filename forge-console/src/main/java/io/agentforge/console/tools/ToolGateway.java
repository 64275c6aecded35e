package io.agentforge.console.tools;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.FunctionMatch;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The function catalog and calls to it, each with a token the registry issued for the tool's service name on behalf
 * of the person using the console (the console's own key goes only to the registry).
 */
public interface ToolGateway {

    /** Every function of a tool with an UP instance, as last seen (never blocks on the registry). */
    List<CatalogFunction> functions();

    Optional<CatalogFunction> function(String name);

    /**
     * The registry's catalog search: the {@code k} functions that best fit {@code query}, best first.
     *
     * @throws io.agentforge.client.RegistryException            the registry refused the search
     * @throws io.agentforge.client.RegistryUnreachableException the registry did not answer
     * @throws IllegalArgumentException                          a query the registry would refuse (blank, too long)
     */
    List<FunctionMatch> search(String query, int k);

    /**
     * Calls the function on one of its tool's UP instances.
     *
     * @param subjectCredential the person's credential, the subject of the token exchange; null: the console acts
     *                          for itself (no login)
     * @throws io.agentforge.client.ToolInvocationException  the tool refused the call (4xx) with a problem detail
     * @throws io.agentforge.client.ToolUnavailableException no instance could run it
     */
    JsonNode invoke(String function, JsonNode arguments, String subjectCredential);
}
