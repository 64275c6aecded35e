package io.agentforge.registry.mcp;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the registry talks to registered MCP servers ({@code "protocol": "mcp"}).
 *
 * @param timeout         per request to an MCP server (registration import, probes, refreshes)
 * @param refreshInterval how often a server's {@code tools/list} is imported again (in place of its next probe)
 * @param maxResponseSize largest answer read from an MCP server
 */
@ConfigurationProperties("agentforge.registry.mcp")
public record McpProperties(
        @DefaultValue("5s") Duration timeout,
        @DefaultValue("60s") Duration refreshInterval,
        @DefaultValue("1MB") DataSize maxResponseSize) {}
