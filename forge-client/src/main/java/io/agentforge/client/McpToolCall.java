package io.agentforge.client;

import io.agentforge.registry.api.ProblemTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code tools/call} on an MCP server (Streamable HTTP): {@code initialize}, {@code notifications/initialized},
 * {@code tools/call}, then the session (if the server opened one) is deleted without waiting for the answer. A session
 * per call: no state to lose behind a load balancer, nothing left open on the server.
 *
 * <p>Small JSON-RPC over the JDK client rather than the MCP Java SDK's client, for the same reasons as everywhere in
 * the invoker: answers are read up to a byte limit, redirects are never followed, the endpoint has passed the
 * {@link OutboundPolicy}, every request is bounded by the call timeout, and the client SDK stays free of Reactor.
 */
final class McpToolCall {

    static final String PROTOCOL_VERSION = "2025-06-18";
    /** A tool answered with {@code isError: true}: its own failure, which the model should see. */
    static final URI TOOL_ERROR = ProblemTypes.of("tool-error");

    private final HttpClient http;
    private final JsonMapper mapper;
    private final Duration timeout;
    private final int maxResponseSize;

    /** How a failed call continues. */
    enum Next {
        /** Nothing ran, or the server failed (5xx, connection): try the next instance. */
        RETRY,
        /** The call was sent and may have run (timeout): stop, don't retry. */
        STOP,
        /** The caller's or the tool's failure (4xx, invalid params, isError): surface it, the server is fine. */
        CALLER
    }

    static final class Failure extends Exception {
        final Next next;
        final Problem problem;

        Failure(Next next, Problem problem) {
            super(problem.detail(), null, false, false);
            this.next = next;
            this.problem = problem;
        }
    }

    McpToolCall(HttpClient http, JsonMapper mapper, Duration timeout, int maxResponseSize) {
        this.http = http;
        this.mapper = mapper;
        this.timeout = timeout;
        this.maxResponseSize = maxResponseSize;
    }

    /**
     * Calls the tool and returns its result: the {@code structuredContent} when there is one, else the text of its
     * text contents (one string), else the content array as it came.
     *
     * @param headers extra headers on every request (trace context)
     */
    JsonNode call(URI endpoint, String tool, JsonNode arguments, Map<String, List<String>> headers)
            throws Failure, InterruptedException {
        Session session = new Session(endpoint, headers);
        try {
            ObjectNode init = mapper.createObjectNode();
            init.put("protocolVersion", PROTOCOL_VERSION);
            init.putObject("capabilities");
            init.putObject("clientInfo").put("name", "agent-forge-client").put("version", "1");
            JsonNode initialized = session.request("initialize", init, false);
            session.protocolVersion = initialized.path("protocolVersion").asString(PROTOCOL_VERSION);
            session.notifyInitialized();
            ObjectNode params = mapper.createObjectNode();
            params.put("name", tool);
            params.set("arguments", arguments);
            return result(session.request("tools/call", params, true));
        } finally {
            session.end();
        }
    }

    private JsonNode result(JsonNode result) throws Failure {
        JsonNode content = result.path("content");
        if (result.path("isError").asBoolean(false)) {
            String text = text(content);
            throw new Failure(
                    Next.CALLER,
                    new Problem(422, TOOL_ERROR, "Tool error", text.isEmpty() ? "The tool reported an error" : text));
        }
        if (result.has("structuredContent") && !result.get("structuredContent").isNull()) {
            return result.get("structuredContent");
        }
        if (content.isArray() && !content.isEmpty()) {
            boolean allText = true;
            for (JsonNode item : content) {
                allText &= "text".equals(item.path("type").asString(""));
            }
            return allText ? mapper.getNodeFactory().stringNode(text(content)) : content;
        }
        return mapper.nullNode();
    }

    private static String text(JsonNode content) {
        StringBuilder text = new StringBuilder();
        if (content instanceof ArrayNode items) {
            for (JsonNode item : items) {
                if ("text".equals(item.path("type").asString(""))) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(item.path("text").asString(""));
                }
            }
        }
        return text.toString();
    }

    private final class Session {

        private final URI uri;
        private final Map<String, List<String>> headers;
        private @Nullable String sessionId;
        private @Nullable String protocolVersion;
        private int nextId = 1;

        Session(URI uri, Map<String, List<String>> headers) {
            this.uri = uri;
            this.headers = headers;
        }

        /** @param sent whether a timeout means the request may have run (tools/call) */
        JsonNode request(String method, JsonNode params, boolean sent) throws Failure, InterruptedException {
            int id = nextId++;
            ObjectNode message = mapper.createObjectNode();
            message.put("jsonrpc", "2.0").put("id", id).put("method", method).set("params", params);
            HttpResponse<InputStream> response = send(post(message), method, sent);
            if (sessionId == null) {
                sessionId = response.headers().firstValue("Mcp-Session-Id").orElse(null);
            }
            JsonNode answer = read(response, id, method);
            JsonNode error = answer.path("error");
            if (error.isObject()) {
                int code = error.path("code").asInt();
                String detail = method + " failed: JSON-RPC error " + code + " "
                        + Problem.abbreviate(error.path("message").asString(""));
                // Malformed, unknown method or invalid params (an unknown tool too): the call's fault, not retried.
                // Anything else is the server's: the next instance may do better.
                boolean caller = code == -32700 || code == -32600 || code == -32601 || code == -32602;
                throw new Failure(
                        caller ? Next.CALLER : Next.RETRY,
                        new Problem(
                                caller ? 400 : 502,
                                caller ? ProblemTypes.VALIDATION : Problem.INVALID_RESPONSE,
                                "MCP error",
                                detail));
            }
            if (!answer.path("result").isObject()) {
                throw invalid(method + " answered without a result");
            }
            return answer.path("result");
        }

        void notifyInitialized() throws Failure, InterruptedException {
            ObjectNode message = mapper.createObjectNode();
            message.put("jsonrpc", "2.0").put("method", "notifications/initialized");
            HttpResponse<InputStream> response = send(post(message), "notifications/initialized", false);
            try (InputStream body = response.body()) {
                body.readNBytes(maxResponseSize);
            } catch (IOException e) {
                // Delivered or not; the next request tells.
            }
            status(response, "notifications/initialized");
        }

        void end() {
            if (sessionId == null) {
                return;
            }
            // Not waited for: the answer is already in hand, the server frees the session when the DELETE lands.
            http.sendAsync(
                    base().header("Mcp-Session-Id", sessionId).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        private HttpRequest.Builder post(JsonNode message) {
            HttpRequest.Builder request = base().header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(message)));
            if (sessionId != null) {
                request.header("Mcp-Session-Id", sessionId);
            }
            return request;
        }

        private HttpRequest.Builder base() {
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", HttpRegistryClient.USER_AGENT);
            headers.forEach((name, values) -> values.forEach(value -> request.header(name, value)));
            if (protocolVersion != null) {
                request.header("MCP-Protocol-Version", protocolVersion);
            }
            return request;
        }

        private HttpResponse<InputStream> send(HttpRequest.Builder request, String method, boolean sent)
                throws Failure, InterruptedException {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                throw new Failure(
                        sent ? Next.STOP : Next.RETRY,
                        new Problem(0, Problem.UNREACHABLE, "Timeout", method + " got no answer within " + timeout));
            } catch (ConnectException e) {
                throw new Failure(Next.RETRY, new Problem(0, Problem.UNREACHABLE, "Unreachable", "connection refused"));
            } catch (IOException e) {
                throw new Failure(
                        Next.RETRY,
                        new Problem(
                                0,
                                Problem.UNREACHABLE,
                                "Unreachable",
                                e.getClass().getSimpleName()));
            }
        }

        private void status(HttpResponse<?> response, String method) throws Failure {
            int status = response.statusCode();
            if (status / 100 == 2) {
                return;
            }
            throw new Failure(
                    status >= 500 ? Next.RETRY : Next.CALLER,
                    new Problem(status, null, null, method + " answered HTTP " + status));
        }

        private JsonNode read(HttpResponse<InputStream> response, int id, String method) throws Failure {
            String contentType =
                    response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            try (InputStream body = response.body()) {
                status(response, method);
                if (contentType.startsWith("text/event-stream")) {
                    return fromEvents(body, id, method);
                }
                byte[] bytes = body.readNBytes(maxResponseSize + 1);
                if (bytes.length > maxResponseSize) {
                    throw tooLarge(method);
                }
                return parse(new String(bytes, StandardCharsets.UTF_8), method);
            } catch (IOException e) {
                throw new Failure(
                        method.equals("tools/call") ? Next.STOP : Next.RETRY,
                        new Problem(
                                0,
                                Problem.UNREACHABLE,
                                "Broken answer",
                                "reading the answer to " + method + " failed: "
                                        + e.getClass().getSimpleName()));
            }
        }

        private JsonNode fromEvents(InputStream body, int id, String method) throws IOException, Failure {
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            StringBuilder data = new StringBuilder();
            long read = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                read += line.length() + 1;
                if (read > maxResponseSize) {
                    throw tooLarge(method);
                }
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5))
                            .append('\n');
                } else if (line.isEmpty() && !data.isEmpty()) {
                    JsonNode message = parse(data.toString(), method);
                    data.setLength(0);
                    // Server requests and notifications before the answer (progress, logging) are skipped.
                    if (message.path("id").asInt(-1) == id && !message.has("method")) {
                        return message;
                    }
                }
            }
            if (!data.isEmpty()) {
                JsonNode message = parse(data.toString(), method);
                if (message.path("id").asInt(-1) == id) {
                    return message;
                }
            }
            throw invalid(method + ": the event stream ended without an answer");
        }

        private JsonNode parse(String text, String method) throws Failure {
            JsonNode node;
            try {
                node = mapper.readTree(text);
            } catch (RuntimeException e) {
                throw invalid(method + " answered something that is not JSON");
            }
            if (node == null
                    || !node.isObject()
                    || !"2.0".equals(node.path("jsonrpc").asString(""))) {
                throw invalid(method + " answered something that is not JSON-RPC 2.0");
            }
            return node;
        }

        private Failure tooLarge(String method) {
            return new Failure(
                    Next.CALLER,
                    new Problem(
                            200,
                            Problem.RESPONSE_TOO_LARGE,
                            "Response too large",
                            "The answer to " + method + " is larger than the limit of " + maxResponseSize + " bytes"));
        }

        private Failure invalid(String detail) {
            return new Failure(Next.RETRY, new Problem(502, Problem.INVALID_RESPONSE, "Unreadable MCP answer", detail));
        }
    }
}
