package io.agentforge.registry.config;

import io.agentforge.registry.instance.EndpointPolicy;
import io.agentforge.registry.mcp.McpProperties;
import io.agentforge.registry.mcp.McpServerClient;
import io.agentforge.registry.mcp.McpServers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Registered MCP servers are called under the same endpoint policy as health probes. */
@Configuration(proxyBeanMethods = false)
class McpConfiguration {

    @Bean
    McpServers mcpServers(McpProperties properties, EndpointPolicy policy) {
        return new McpServers(
                new McpServerClient(
                        properties.timeout(),
                        (int) Math.min(
                                Integer.MAX_VALUE - 1,
                                properties.maxResponseSize().toBytes()),
                        policy::addressRefusal),
                properties);
    }
}
