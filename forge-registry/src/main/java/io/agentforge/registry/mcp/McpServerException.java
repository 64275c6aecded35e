package io.agentforge.registry.mcp;

/** A conversation with an MCP server failed; the message says why, in words fit for a problem detail. */
public final class McpServerException extends Exception {

    public McpServerException(String message) {
        super(message, null, false, false);
    }
}
