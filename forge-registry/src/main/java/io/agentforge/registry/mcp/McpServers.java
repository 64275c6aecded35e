package io.agentforge.registry.mcp;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.ServiceRegistration;
import java.util.List;

/** The registry's side of registered MCP servers: importing their tools and probing them. Thread-safe. */
public final class McpServers implements AutoCloseable {

    private final McpServerClient client;
    private final McpProperties properties;

    public McpServers(McpServerClient client, McpProperties properties) {
        this.client = client;
        this.properties = properties;
    }

    /** The catalog functions of the server behind the registration's endpoint. */
    public List<FunctionDescriptor> importFunctions(ServiceRegistration registration) throws McpServerException {
        return McpToolImport.functions(registration.name(), client.listTools(registration.endpoint()));
    }

    /** Whether the server answers {@code initialize}; the session is deleted again. */
    public void ping(String endpoint) throws McpServerException {
        client.ping(endpoint);
    }

    public McpProperties properties() {
        return properties;
    }

    @Override
    public void close() {
        client.close();
    }
}
