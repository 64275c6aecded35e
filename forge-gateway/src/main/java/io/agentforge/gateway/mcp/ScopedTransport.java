package io.agentforge.gateway.mcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The SDK's stateless servlet transport with the caller's scope applied between it and the SDK server: the server
 * answers {@code tools/list} with every tool it has, and this keeps only those of services the caller's
 * {@link CallerScope} names; a {@code tools/call} of a tool outside the scope never reaches the server and gets the
 * very error the server gives for a tool it does not have, so a scoped caller learns nothing of the others.
 */
final class ScopedTransport implements McpStatelessServerTransport {

    private final McpStatelessServerTransport delegate;
    private final Function<String, String> serviceOf;

    /** @param serviceOf the service of an offered function, null when none is offered by that name */
    ScopedTransport(McpStatelessServerTransport delegate, Function<String, String> serviceOf) {
        this.delegate = delegate;
        this.serviceOf = serviceOf;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        delegate.setMcpHandler(new ScopedHandler(handler));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return delegate.closeGracefully();
    }

    @Override
    public List<String> protocolVersions() {
        return delegate.protocolVersions();
    }

    private final class ScopedHandler implements McpStatelessServerHandler {

        private final McpStatelessServerHandler server;

        ScopedHandler(McpStatelessServerHandler server) {
            this.server = server;
        }

        @Override
        public Mono<McpSchema.JSONRPCResponse> handleRequest(
                McpTransportContext context, McpSchema.JSONRPCRequest request) {
            if (!(context.get(CatalogMcpServer.SCOPE_KEY) instanceof CallerScope scope) || !scope.limited()) {
                return server.handleRequest(context, request);
            }
            return switch (request.method()) {
                case McpSchema.METHOD_TOOLS_CALL -> {
                    String name =
                            request.params() instanceof Map<?, ?> params && params.get("name") instanceof String tool
                                    ? tool
                                    : null;
                    if (name != null && !scope.sees(serviceOf.apply(name))) {
                        yield Mono.just(McpSchema.JSONRPCResponse.error(request.id(), unknownTool(name)));
                    }
                    yield server.handleRequest(context, request);
                }
                case McpSchema.METHOD_TOOLS_LIST ->
                    server.handleRequest(context, request).map(response -> visible(response, scope));
                default -> server.handleRequest(context, request);
            };
        }

        @Override
        public Mono<Void> handleNotification(McpTransportContext context, McpSchema.JSONRPCNotification notification) {
            return server.handleNotification(context, notification);
        }

        private McpSchema.JSONRPCResponse visible(McpSchema.JSONRPCResponse response, CallerScope scope) {
            if (!(response.result() instanceof McpSchema.ListToolsResult all)) {
                return response;
            }
            List<McpSchema.Tool> tools = all.tools().stream()
                    .filter(tool -> scope.sees(serviceOf.apply(tool.name())))
                    .toList();
            return McpSchema.JSONRPCResponse.result(
                    response.id(), new McpSchema.ListToolsResult(tools, all.nextCursor(), all.meta()));
        }
    }

    /** The SDK server's own answer for a tool it does not have (McpStatelessAsyncServer, tools/call). */
    private static McpSchema.JSONRPCResponse.JSONRPCError unknownTool(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message("Unknown tool: invalid_tool_name")
                .data("Tool not found: " + name)
                .build()
                .getJsonRpcError();
    }
}
