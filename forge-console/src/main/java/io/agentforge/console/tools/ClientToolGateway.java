package io.agentforge.console.tools;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.RegistryClient;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.FunctionMatch;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@link ToolGateway} over the SDK's discovery cache and load-balanced invoker. */
@Component
class ClientToolGateway implements ToolGateway {

    private final DiscoveryCache discovery;
    private final FunctionInvoker invoker;
    private final RegistryClient registry;

    ClientToolGateway(DiscoveryCache discovery, FunctionInvoker invoker, RegistryClient registry) {
        this.discovery = discovery;
        this.invoker = invoker;
        this.registry = registry;
    }

    @Override
    public List<CatalogFunction> functions() {
        return discovery.functions();
    }

    @Override
    public Optional<CatalogFunction> function(String name) {
        return discovery.function(name);
    }

    @Override
    public List<FunctionMatch> search(String query, int k) {
        return registry.searchFunctions(query, k).matches();
    }

    @Override
    public JsonNode invoke(String function, JsonNode arguments, String subjectCredential) {
        return invoker.invoke(function, arguments, subjectCredential);
    }
}
