package io.agentforge.registry.mcp;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.InvalidFieldException;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.mcp.McpServerClient.McpTool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns an MCP server's {@code tools/list} into catalog functions. A tool's name becomes a catalog name by the
 * conventions' pattern {@code ^[a-z][a-z0-9_]{0,63}$}, prefixed with the service: {@code getWeather} of service
 * {@code weather-mcp} becomes {@code weather_mcp_get_weather} (camelCase split, lower case, every other character an
 * underscore, runs of underscores collapsed; a name that already starts with the prefix keeps it once). A name longer
 * than 64 characters keeps 55 and ends in 8 hex digits of the original's SHA-256; a name two tools would share gets
 * {@code _2}, {@code _3}... in listing order. The original name stays on the function as {@code mcpName}, and
 * {@code tools/call} uses it.
 */
public final class McpToolImport {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private McpToolImport() {}

    /**
     * The functions of the tools, in listing order.
     *
     * @throws McpServerException when there are more than {@link ServiceRegistration#MAX_FUNCTIONS} tools or a tool
     *                            can't be a catalog function (the message names it and says why)
     */
    public static List<FunctionDescriptor> functions(String service, List<McpTool> tools) throws McpServerException {
        if (tools.size() > ServiceRegistration.MAX_FUNCTIONS) {
            throw new McpServerException("the server lists " + tools.size() + " tools, a service may offer at most "
                    + ServiceRegistration.MAX_FUNCTIONS + " functions");
        }
        Set<String> taken = new HashSet<>();
        List<FunctionDescriptor> functions = new ArrayList<>();
        for (McpTool tool : tools) {
            if (tool.name().length() > FunctionDescriptor.MAX_MCP_NAME) {
                throw new McpServerException("tool '" + tool.name().substring(0, 40) + "...' has a name longer than "
                        + FunctionDescriptor.MAX_MCP_NAME + " characters");
            }
            String name = unique(catalogName(service, tool.name()), taken);
            String description = tool.description() != null
                            && !tool.description().isBlank()
                    ? tool.description()
                    : tool.title() != null && !tool.title().isBlank() ? tool.title() : "MCP tool " + tool.name();
            if (description.length() > FunctionDescriptor.MAX_DESCRIPTION) {
                description = description.substring(0, FunctionDescriptor.MAX_DESCRIPTION - 3) + "...";
            }
            try {
                Map<String, Object> schema =
                        tool.inputSchema() == null ? null : MAPPER.convertValue(tool.inputSchema(), MAP);
                functions.add(new FunctionDescriptor(name, description, schema, null, tool.name()));
            } catch (InvalidFieldException e) {
                throw new McpServerException("tool '" + tool.name() + "' can't be imported: " + e.getMessage());
            }
        }
        return List.copyOf(functions);
    }

    /** The catalog name of an MCP tool of a service, before collisions are resolved. */
    public static String catalogName(String service, String toolName) {
        String prefix = service.replace('-', '_') + "_";
        String snake = toolName.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_")
                .replaceAll("^_+|_+$", "");
        String name = snake.startsWith(prefix) ? snake : prefix + snake;
        if (name.endsWith("_")) {
            name = name + "tool";
        }
        if (name.length() > 64) {
            name = name.substring(0, 55) + "_" + hash(toolName);
        }
        return name;
    }

    private static String unique(String name, Set<String> taken) {
        String candidate = name;
        for (int n = 2; !taken.add(candidate); n++) {
            String suffix = "_" + n;
            candidate =
                    (name.length() + suffix.length() > 64 ? name.substring(0, 64 - suffix.length()) : name) + suffix;
        }
        return candidate;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
