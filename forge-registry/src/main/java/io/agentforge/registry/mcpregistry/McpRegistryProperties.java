package io.agentforge.registry.mcpregistry;

import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The MCP Registry–compatible read API ({@code /v0.1/servers}).
 *
 * @param host the middle of every server name, {@code io.agentforge.<host>/<service>}: name the deployment (e.g.
 *             {@code prod.example.com}) so its tools don't collide with another registry's in a client
 */
@ConfigurationProperties("agentforge.registry.mcp-registry")
public record McpRegistryProperties(@DefaultValue("local") String host) {

    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9.-]{0,120}[a-zA-Z0-9])?");

    public McpRegistryProperties {
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException(
                    "agentforge.registry.mcp-registry.host must be a DNS-like name (letters, digits, '.', '-'), was '"
                            + host + "'");
        }
    }

    /** The namespace part of every server name: {@code io.agentforge.<host>}. */
    public String namespace() {
        return "io.agentforge." + host;
    }
}
