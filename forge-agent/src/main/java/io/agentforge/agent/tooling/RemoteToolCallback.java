package io.agentforge.agent.tooling;

import io.agentforge.client.FunctionInvoker;
import java.util.Map;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A registry function as a Spring AI tool: calling it POSTs the arguments to a healthy instance of the tool,
 * with failover, through {@link FunctionInvoker}. The tool gets a short-lived token for its own service name, for
 * the end user who asked ({@code sub}) with the agent as actor ({@code act}); never the agent's key.
 *
 * <p>Who the call is for travels in the {@link ToolContext} under {@link #ON_BEHALF_OF}; a call without it is
 * refused rather than made in the agent's own name.
 */
public final class RemoteToolCallback implements ToolCallback {

    /** The {@link ToolContext} entry holding the {@link OnBehalfOf} of the question the call belongs to. */
    public static final String ON_BEHALF_OF = "agentforge.on-behalf-of";

    private final ToolDefinition definition;
    private final FunctionInvoker invoker;
    private final JsonMapper json;

    public RemoteToolCallback(
            String name, String description, String inputSchema, FunctionInvoker invoker, JsonMapper json) {
        this.definition = DefaultToolDefinition.builder()
                .name(name)
                .description(description)
                .inputSchema(inputSchema)
                .build();
        this.invoker = invoker;
        this.json = json;
    }

    /** The context to call a tool with for {@code onBehalfOf}. */
    public static ToolContext context(OnBehalfOf onBehalfOf) {
        return new ToolContext(Map.of(ON_BEHALF_OF, onBehalfOf));
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return definition;
    }

    /** Refused: a remote tool is only called for someone ({@link #call(String, ToolContext)}). */
    @Override
    public String call(String arguments) {
        throw new IllegalStateException("The tool " + definition.name() + " was called without saying for whom;"
                + " the agent never calls tools in its own name for a user");
    }

    /**
     * Calls the tool for whom the context names.
     *
     * @throws io.agentforge.client.ToolInvocationException and friends; the chat loop turns them into results
     */
    @Override
    public String call(String arguments, ToolContext context) {
        if (context == null || !(context.getContext().get(ON_BEHALF_OF) instanceof OnBehalfOf onBehalfOf)) {
            return call(arguments);
        }
        JsonNode parsed = json.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        return json.writeValueAsString(invoker.invoke(definition.name(), parsed, onBehalfOf.subjectCredential()));
    }
}
