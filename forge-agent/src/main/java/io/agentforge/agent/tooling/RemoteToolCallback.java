package io.agentforge.agent.tooling;

import io.agentforge.client.FunctionInvoker;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A registry function as a Spring AI tool: calling it POSTs the arguments to a healthy instance of the tool,
 * with failover, through {@link FunctionInvoker}.
 */
public final class RemoteToolCallback implements ToolCallback {

    private final ToolDefinition definition;
    private final FunctionInvoker invoker;
    private final String apiKey;
    private final JsonMapper json;

    public RemoteToolCallback(String name, String description, String inputSchema, FunctionInvoker invoker,
                              String apiKey, JsonMapper json) {
        this.definition = DefaultToolDefinition.builder().name(name).description(description)
                .inputSchema(inputSchema).build();
        this.invoker = invoker;
        this.apiKey = apiKey;
        this.json = json;
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return definition;
    }

    /** @throws io.agentforge.client.ToolInvocationException and friends; the chat loop turns them into results */
    @Override
    public String call(String arguments) {
        JsonNode parsed = json.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        return json.writeValueAsString(invoker.invoke(definition.name(), parsed, apiKey));
    }
}
