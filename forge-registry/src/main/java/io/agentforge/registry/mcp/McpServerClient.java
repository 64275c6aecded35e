package io.agentforge.registry.mcp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A deliberately small MCP client (JSON-RPC 2.0 over Streamable HTTP) for the registry's one-shot conversations with
 * registered MCP servers: {@code initialize}, {@code tools/list}, then {@code DELETE} of the session, every time.
 *
 * <p>Not the MCP Java SDK's client: the registry talks to URLs strangers gave it, so every request is bounded in time
 * and in the bytes read (the SDK's transport reads whole answers of any size and keeps sessions and reactive streams
 * alive), each connection's target address is checked against the registry's endpoint policy first, and redirects
 * are never followed. The session is always ended with {@code DELETE} so probes leave nothing behind on the server.
 * Thread-safe.
 */
public final class McpServerClient implements AutoCloseable {

    /** The revision sent in {@code initialize}; servers answer with the one they speak, which is used from then on. */
    public static final String PROTOCOL_VERSION = "2025-06-18";

    private static final int MAX_PAGES = 8;

    private final HttpClient http;
    private final ExecutorService executor;
    private final JsonMapper mapper = JsonMapper.builder().build();
    private final Duration timeout;
    private final int maxResponseSize;
    private final AddressCheck addressCheck;

    /** Whether the registry may connect to an address (its SSRF rules); empty means it may. */
    @FunctionalInterface
    public interface AddressCheck {
        Optional<String> refusal(InetAddress address, int port);
    }

    /** A tool as {@code tools/list} describes it. */
    public record McpTool(
            String name,
            @Nullable String title,
            @Nullable String description,
            @Nullable JsonNode inputSchema) {}

    /**
     * @param timeout         per request (connect and answer)
     * @param maxResponseSize bytes read of one answer at most; larger answers fail the conversation
     */
    public McpServerClient(Duration timeout, int maxResponseSize, AddressCheck addressCheck) {
        this.timeout = timeout;
        this.maxResponseSize = maxResponseSize;
        this.addressCheck = addressCheck;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Every tool the server lists (following {@code nextCursor} a few pages at most). */
    public List<McpTool> listTools(String endpoint) throws McpServerException {
        return converse(endpoint, session -> {
            List<McpTool> tools = new ArrayList<>();
            String cursor = null;
            for (int page = 0; page < MAX_PAGES; page++) {
                ObjectNode params = mapper.createObjectNode();
                if (cursor != null) {
                    params.put("cursor", cursor);
                }
                JsonNode result = session.request("tools/list", params);
                JsonNode list = result.path("tools");
                if (!list.isArray()) {
                    throw new McpServerException("tools/list answered without a \"tools\" array");
                }
                for (JsonNode tool : list) {
                    String name =
                            tool.path("name").isString() ? tool.path("name").asString() : null;
                    if (name == null || name.isBlank()) {
                        throw new McpServerException("tools/list answered a tool without a name");
                    }
                    tools.add(new McpTool(
                            name,
                            text(tool.path("title")),
                            text(tool.path("description")),
                            tool.path("inputSchema").isObject() ? tool.path("inputSchema") : null));
                }
                JsonNode next = result.path("nextCursor");
                if (!next.isString() || next.asString().isEmpty()) {
                    return tools;
                }
                cursor = next.asString();
            }
            throw new McpServerException("tools/list has more than " + MAX_PAGES + " pages");
        });
    }

    /** A cheap liveness check: {@code initialize}, then the session is deleted. */
    public void ping(String endpoint) throws McpServerException {
        converse(endpoint, session -> null);
    }

    @Override
    public void close() {
        http.close();
        executor.shutdownNow();
    }

    private <T> T converse(String endpoint, Conversation<T> conversation) throws McpServerException {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            throw new McpServerException("endpoint is not a URL");
        }
        checkAddress(uri);
        Session session = new Session(uri);
        try {
            ObjectNode params = mapper.createObjectNode();
            params.put("protocolVersion", PROTOCOL_VERSION);
            params.putObject("capabilities");
            params.putObject("clientInfo").put("name", "agent-forge-registry").put("version", "1");
            JsonNode init = session.request("initialize", params);
            if (!init.path("protocolVersion").isString()) {
                throw new McpServerException("initialize answered without a protocolVersion: not an MCP server?");
            }
            session.protocolVersion = init.path("protocolVersion").asString();
            session.notify("notifications/initialized");
            return conversation.run(session);
        } finally {
            session.end();
        }
    }

    // Resolved before the conversation: a name may point at a metadata service today even if it did not at
    // registration. (The JDK client resolves again when it connects; this is the same check the probes make.)
    private void checkAddress(URI uri) throws McpServerException {
        String host = uri.getHost();
        if (host == null) {
            throw new McpServerException("endpoint has no host");
        }
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        try {
            for (InetAddress address : InetAddress.getAllByName(name)) {
                Optional<String> refusal = addressCheck.refusal(address, port);
                if (refusal.isPresent()) {
                    throw new McpServerException("refused: " + name + " resolves to " + refusal.get());
                }
            }
        } catch (UnknownHostException e) {
            throw new McpServerException("unknown host " + name);
        }
    }

    private static @Nullable String text(JsonNode node) {
        return node.isString() ? node.asString() : null;
    }

    @FunctionalInterface
    private interface Conversation<T> {
        T run(Session session) throws McpServerException;
    }

    /** One MCP session (or none, when the server is stateless) on one endpoint. */
    private final class Session {

        private final URI uri;
        private @Nullable String sessionId;
        private @Nullable String protocolVersion;
        private int nextId = 1;

        Session(URI uri) {
            this.uri = uri;
        }

        JsonNode request(String method, JsonNode params) throws McpServerException {
            int id = nextId++;
            ObjectNode message = mapper.createObjectNode();
            message.put("jsonrpc", "2.0").put("id", id).put("method", method).set("params", params);
            HttpResponse<InputStream> response = send(post(message));
            if (sessionId == null) {
                sessionId = response.headers().firstValue("Mcp-Session-Id").orElse(null);
            }
            JsonNode answer = read(response, id, method);
            JsonNode error = answer.path("error");
            if (error.isObject()) {
                throw new McpServerException(method + " failed with JSON-RPC error "
                        + error.path("code").asInt() + ": "
                        + abbreviate(error.path("message").asString("")));
            }
            JsonNode result = answer.path("result");
            if (!result.isObject()) {
                throw new McpServerException(method + " answered without a result");
            }
            return result;
        }

        void notify(String method) throws McpServerException {
            ObjectNode message = mapper.createObjectNode();
            message.put("jsonrpc", "2.0").put("method", method);
            HttpResponse<InputStream> response = send(post(message));
            try (InputStream body = response.body()) {
                body.readNBytes(maxResponseSize);
            } catch (IOException e) {
                // The notification was delivered or not; the next request tells.
            }
            if (response.statusCode() / 100 != 2) {
                throw new McpServerException(method + " answered HTTP " + response.statusCode());
            }
        }

        /** Ends the session when the server opened one; failures are ignored (the server may not support it). */
        void end() {
            if (sessionId == null) {
                return;
            }
            HttpRequest.Builder request =
                    base().header("Mcp-Session-Id", sessionId).DELETE();
            try {
                http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // Nothing more can be done; the server's own session timeout ends it.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
                    HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "agent-forge-registry-mcp");
            if (protocolVersion != null) {
                request.header("MCP-Protocol-Version", protocolVersion);
            }
            return request;
        }

        private HttpResponse<InputStream> send(HttpRequest.Builder request) throws McpServerException {
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                throw new McpServerException("no answer within " + timeout.toMillis() + " ms");
            } catch (ConnectException e) {
                throw new McpServerException("connection refused");
            } catch (IOException e) {
                throw new McpServerException(e.getClass().getSimpleName() + " talking to the server");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new McpServerException("interrupted");
            }
        }

        /** The JSON-RPC answer with this id, from a JSON body or from the server's SSE stream. */
        private JsonNode read(HttpResponse<InputStream> response, int id, String method) throws McpServerException {
            String contentType =
                    response.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
            try (InputStream body = response.body()) {
                if (response.statusCode() / 100 != 2) {
                    throw new McpServerException(method + " answered HTTP " + response.statusCode());
                }
                if (contentType.startsWith("text/event-stream")) {
                    return fromEvents(body, id, method);
                }
                byte[] bytes = body.readNBytes(maxResponseSize + 1);
                if (bytes.length > maxResponseSize) {
                    throw new McpServerException(method + " answered more than " + maxResponseSize
                            + " bytes (agentforge.registry.mcp" + ".max-response-size)");
                }
                return parse(new String(bytes, StandardCharsets.UTF_8), method);
            } catch (IOException e) {
                throw new McpServerException("reading the answer to " + method + " failed: "
                        + e.getClass().getSimpleName());
            }
        }

        private JsonNode fromEvents(InputStream body, int id, String method) throws IOException, McpServerException {
            BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            StringBuilder data = new StringBuilder();
            long read = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                read += line.length() + 1;
                if (read > maxResponseSize) {
                    throw new McpServerException(method + " answered more than " + maxResponseSize + " bytes");
                }
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5))
                            .append('\n');
                } else if (line.isEmpty() && !data.isEmpty()) {
                    JsonNode message = parse(data.toString(), method);
                    data.setLength(0);
                    // Requests and notifications the server sends before its answer are skipped.
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
            throw new McpServerException(method + ": the event stream ended without an answer");
        }

        private JsonNode parse(String text, String method) throws McpServerException {
            try {
                JsonNode node = mapper.readTree(text);
                if (node == null
                        || !node.isObject()
                        || !"2.0".equals(node.path("jsonrpc").asString(""))) {
                    throw new McpServerException(method + " answered something that is not JSON-RPC 2.0");
                }
                return node;
            } catch (RuntimeException e) {
                throw new McpServerException(method + " answered something that is not JSON");
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 197) + "..." : text;
    }
}
