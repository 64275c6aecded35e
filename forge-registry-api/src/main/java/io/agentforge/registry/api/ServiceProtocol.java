package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** How callers reach a tool's functions: Agent Forge's own invoke API, or an existing MCP server's {@code tools/call}. */
public enum ServiceProtocol {
    /** {@code POST {endpoint}/forge/functions/{name}}; the tool declares its functions. */
    FORGE,
    /** The endpoint is an MCP server's Streamable HTTP URL; the registry imports its functions from {@code tools/list}. */
    MCP;

    /** The JSON form: {@code forge} or {@code mcp}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON form; null means {@link #FORGE}. */
    @JsonCreator
    public static ServiceProtocol of(@Nullable String wire) {
        if (wire == null) {
            return FORGE;
        }
        for (ServiceProtocol protocol : values()) {
            if (protocol.wire().equals(wire)) {
                return protocol;
            }
        }
        throw new InvalidFieldException(
                "protocol", "'" + Checks.abbreviate(wire) + "' is not a protocol; use \"forge\" (default) or \"mcp\"");
    }
}
