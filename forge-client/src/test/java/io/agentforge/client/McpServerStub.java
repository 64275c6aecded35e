package io.agentforge.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal sessionful MCP server (Streamable HTTP, JSON-RPC) on loopback for invoker tests: it answers
 * {@code initialize} with a session id, accepts {@code notifications/initialized}, answers {@code tools/call} with what
 * the test says (a JSON-RPC {@code result} or {@code error} object), and counts deleted sessions.
 */
final class McpServerStub implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<JsonNode> toolCalls = new CopyOnWriteArrayList<>();
    private final BiFunction<String, JsonNode, ObjectNode> tools;
    private volatile boolean sse;
    private volatile int httpStatus = 200;

    /** @param tools (tool name, arguments) → {@code {"result": ...}} or {@code {"error": ...}} */
    McpServerStub(BiFunction<String, JsonNode, ObjectNode> tools) {
        this.tools = tools;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/mcp", this::handle);
        server.start();
    }

    static ObjectNode text(String text, boolean isError) {
        ObjectNode answer = JSON.createObjectNode();
        ObjectNode result = answer.putObject("result");
        result.putArray("content").addObject().put("type", "text").put("text", text);
        result.put("isError", isError);
        return answer;
    }

    static ObjectNode structured(JsonNode value) {
        ObjectNode answer = text(value.toString(), false);
        ((ObjectNode) answer.get("result")).set("structuredContent", value);
        return answer;
    }

    static ObjectNode error(int code, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.putObject("error").put("code", code).put("message", message);
        return answer;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    /** Answers in an SSE stream (with a notification first) instead of a JSON body. */
    McpServerStub sse() {
        sse = true;
        return this;
    }

    /** Answers every POST with this HTTP status (200: normally). */
    McpServerStub status(int status) {
        httpStatus = status;
        return this;
    }

    int toolCallCount() {
        return calls.get();
    }

    int deletes() {
        return deletes.get();
    }

    List<String> authorizations() {
        return authorizations;
    }

    List<JsonNode> toolCalls() {
        return toolCalls;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            if ("DELETE".equals(exchange.getRequestMethod())) {
                deletes.incrementAndGet();
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            if (httpStatus != 200) {
                exchange.sendResponseHeaders(httpStatus, -1);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String method = request.path("method").asString("");
            if (!request.has("id")) {
                exchange.sendResponseHeaders(202, -1);
                return;
            }
            ObjectNode answer;
            if (method.equals("initialize")) {
                answer = JSON.createObjectNode();
                answer.putObject("result")
                        .put(
                                "protocolVersion",
                                request.path("params").path("protocolVersion").asString())
                        .putObject("serverInfo")
                        .put("name", "stub")
                        .put("version", "1");
                exchange.getResponseHeaders()
                        .add("Mcp-Session-Id", UUID.randomUUID().toString());
            } else if (method.equals("tools/call")) {
                calls.incrementAndGet();
                toolCalls.add(request.path("params"));
                answer = tools.apply(
                        request.path("params").path("name").asString(),
                        request.path("params").path("arguments"));
            } else {
                answer = error(-32601, "Method not found");
            }
            answer.put("jsonrpc", "2.0");
            answer.set("id", request.get("id"));
            byte[] body;
            if (sse) {
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                String events = "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n"
                        + "event: message\ndata: " + JSON.writeValueAsString(answer) + "\n\n";
                body = events.getBytes(StandardCharsets.UTF_8);
            } else {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                body = JSON.writeValueAsBytes(answer);
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
