package io.agentforge.agent.tooling;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.registry.api.Catalog;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tools an agent may offer the model: every function of the registry catalog, as the discovery cache sees it
 * now, and {@code delegate_to_agent} while another agent is registered. A tool started after the agent appears on the next question; a stopped one disappears.
 */
public final class RegistryToolCallbackProvider implements ToolCallbackProvider {

    private final DiscoveryCache discovery;
    private final FunctionInvoker invoker;
    private final JsonMapper json;
    private final @Nullable AgentDelegation delegation;
    private volatile Built built;

    public RegistryToolCallbackProvider(DiscoveryCache discovery, FunctionInvoker invoker, JsonMapper json) {
        this(discovery, invoker, json, null);
    }

    /** @param delegation offered besides the catalog's functions while another agent is available; null: never */
    public RegistryToolCallbackProvider(
            DiscoveryCache discovery, FunctionInvoker invoker, JsonMapper json, @Nullable AgentDelegation delegation) {
        this.discovery = discovery;
        this.invoker = invoker;
        this.json = json;
        this.delegation = delegation;
    }

    @Override
    public ToolCallback[] getToolCallbacks() {
        Catalog catalog = discovery.catalog();
        Built current = built;
        // The cache hands out the same catalog object until it changes: rebuild (and re-serialize schemas) only then.
        if (current == null || current.catalog() != catalog) {
            ToolCallback[] callbacks = catalog == null
                    ? new ToolCallback[0]
                    : catalog.functions().stream()
                            .map(f -> new RemoteToolCallback(
                                    f.name(),
                                    f.description(),
                                    json.writeValueAsString(
                                            f.inputSchema() == null ? Map.of("type", "object") : f.inputSchema()),
                                    invoker,
                                    json))
                            .toArray(ToolCallback[]::new);
            current = new Built(catalog, callbacks);
            built = current;
        }
        if (delegation != null && delegation.available()) {
            ToolCallback[] callbacks = java.util.Arrays.copyOf(current.callbacks(), current.callbacks().length + 1);
            callbacks[callbacks.length - 1] = delegation;
            return callbacks;
        }
        return current.callbacks().clone();
    }

    private record Built(Catalog catalog, ToolCallback[] callbacks) {}
}
