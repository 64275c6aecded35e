package io.agentforge.starter;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Texts;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The published functions as an MCP server over the stateless Streamable HTTP transport of the MCP Java SDK: one
 * servlet at {@code /mcp}, every POST answered on its own, no session, so any replica can serve any request.
 *
 * <p>A call is checked exactly as at {@code /forge/functions}: the same argument validator, the same conversion, the
 * verified caller handed to the method. Tool-level failures (invalid arguments, a refusal, an error of the tool) are
 * answered as MCP tool results with {@code isError: true}, so the model sees them; protocol-level ones (unknown tool,
 * malformed message) as JSON-RPC errors.
 */
public final class McpToolServer {

    /** Path of the MCP endpoint on every tool service. */
    public static final String PATH = "/mcp";

    /** Key of the verified {@link ForgeCaller} in the MCP transport context. */
    public static final String CALLER_KEY = ForgeCaller.ATTRIBUTE;

    /** The request methods the SDK's stateless server answers when it has only tools. */
    public static final Set<String> METHODS = Set.of(
            McpSchema.METHOD_INITIALIZE,
            McpSchema.METHOD_PING,
            McpSchema.METHOD_TOOLS_LIST,
            McpSchema.METHOD_TOOLS_CALL);

    private static final Logger log = LoggerFactory.getLogger(McpToolServer.class);

    private final HttpServletStatelessServerTransport transport;
    private final McpStatelessSyncServer server;

    McpToolServer(PublishedFunctions functions, JsonMapper arguments, String name, String version) {
        this.transport = HttpServletStatelessServerTransport.builder()
                .jsonMapper(wireMapper())
                .messageEndpoint(PATH)
                .contextExtractor(McpToolServer::callerContext)
                .build();
        this.server = McpServer.sync(transport)
                .serverInfo(name, version)
                .capabilities(
                        McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(wireMapper())
                // Our validator, shared with /forge/functions, checks the arguments; the SDK's would differ in wording.
                .validateToolInputs(false)
                // On the servlet thread: the call keeps its request scope (ForgeCaller.current()) and blocks nothing
                // else.
                .immediateExecution(true)
                .tools(functions.all().stream()
                        .map(function -> specification(function, arguments))
                        .toList())
                .build();
    }

    /** The servlet to register at {@link #PATH}. */
    public HttpServletStatelessServerTransport transport() {
        return transport;
    }

    /** The protocol versions the transport negotiates, oldest first. */
    public List<String> protocolVersions() {
        return transport.protocolVersions();
    }

    void close() {
        server.close();
    }

    /** The SDK's mapper, reading floats as exact decimals so that a BigDecimal argument keeps every digit. */
    public static JacksonMcpJsonMapper wireMapper() {
        return new JacksonMcpJsonMapper(JsonMapper.shared()
                .rebuild()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build());
    }

    /** Hands the caller the inbound filter verified to the tool handlers. */
    public static McpTransportContext callerContext(HttpServletRequest request) {
        Object caller = request.getAttribute(ForgeCaller.ATTRIBUTE);
        return caller == null ? McpTransportContext.EMPTY : McpTransportContext.create(Map.of(CALLER_KEY, caller));
    }

    /** An MCP tool definition for a registry function: the same name, description and input schema. */
    public static McpSchema.Tool tool(FunctionDescriptor descriptor) {
        McpSchema.Tool.Builder tool = McpSchema.Tool.builder()
                .name(descriptor.name())
                .description(descriptor.description())
                .inputSchema(descriptor.inputSchema());
        // MCP output schemas describe structuredContent, which is always an object; a scalar result has none.
        if (descriptor.outputSchema() != null
                && "object".equals(descriptor.outputSchema().get("type"))) {
            tool.outputSchema(descriptor.outputSchema());
        }
        return tool.build();
    }

    /** A tool result carrying a JSON result: as text, and as structured content when it is an object. */
    public static CallToolResult result(JsonNode result, McpSchema.Tool tool, JsonMapper mapper) {
        CallToolResult.Builder builder = CallToolResult.builder().addTextContent(mapper.writeValueAsString(result));
        if (tool.outputSchema() != null && result != null && result.isObject()) {
            builder.structuredContent(mapper.convertValue(result, Map.class));
        }
        return builder.isError(false).build();
    }

    /** A tool-level failure: what the model should read. */
    public static CallToolResult error(String message) {
        return CallToolResult.builder()
                .addTextContent(Texts.abbreviate(message, 2000))
                .isError(true)
                .build();
    }

    private static McpStatelessServerFeatures.SyncToolSpecification specification(
            PublishedFunction function, JsonMapper mapper) {
        McpSchema.Tool tool = tool(function.descriptor());
        return McpStatelessServerFeatures.SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((context, request) -> call(function, tool, mapper, context, request))
                .build();
    }

    private static CallToolResult call(
            PublishedFunction function,
            McpSchema.Tool tool,
            JsonMapper mapper,
            McpTransportContext context,
            McpSchema.CallToolRequest request) {
        JsonNode arguments = mapper.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
        List<ArgumentValidator.Violation> violations = function.validate(arguments);
        if (!violations.isEmpty()) {
            return error("Invalid arguments: " + ArgumentValidator.summary(violations));
        }
        try {
            ForgeCaller caller = context.get(CALLER_KEY) instanceof ForgeCaller c ? c : null;
            return result(function.invoke(arguments, caller), tool, mapper);
        } catch (ArgumentConversionException e) {
            return error("Invalid arguments: " + e.field() + ": " + e.getMessage());
        } catch (ToolFailedException e) {
            return failure(function.name(), e.getCause());
        }
    }

    private static CallToolResult failure(String name, Throwable failure) {
        if (failure instanceof ToolProblemException refusal) {
            return error(refusal.title() + ": " + refusal.getMessage());
        }
        if (failure instanceof Error
                || failure instanceof NullPointerException
                || failure instanceof ClassCastException
                || failure instanceof IndexOutOfBoundsException
                || failure instanceof UnsupportedOperationException
                || failure instanceof ConcurrentModificationException) {
            log.error("Function {} failed unexpectedly over MCP", name, failure);
            return error("The function failed unexpectedly; it has been logged");
        }
        log.debug("Function {} refused the call over MCP", name, failure);
        String message = failure.getMessage() == null || failure.getMessage().isBlank()
                ? failure.getClass().getSimpleName()
                : failure.getMessage();
        return error("Tool error: " + message);
    }
}
