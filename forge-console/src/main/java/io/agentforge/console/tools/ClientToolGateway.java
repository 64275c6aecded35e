package io.agentforge.console.tools;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@link ToolGateway} over the SDK's discovery cache and load-balanced invoker. */
@Component
class ClientToolGateway implements ToolGateway {

    private final DiscoveryCache discovery;
    private final FunctionInvoker invoker;

    ClientToolGateway(DiscoveryCache discovery, FunctionInvoker invoker) {
        this.discovery = discovery;
        this.invoker = invoker;
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
    public JsonNode invoke(String function, JsonNode arguments, String subjectCredential) {
        return invoker.invoke(function, arguments, subjectCredential);
    }
}
