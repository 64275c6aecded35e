package io.agentforge.starter;

import io.agentforge.registry.api.Texts;
import io.agentforge.web.PayloadTooLargeException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks every message to an MCP endpoint before the MCP SDK's stateless servlet sees it, so that bad input gets a
 * JSON-RPC error instead of the SDK's HTTP 500 (the SDK answers an unknown method, for one, with 500): malformed JSON
 * (-32700), batches and malformed envelopes (-32600), unknown methods (-32601), {@code tools/call} without a tool name
 * or with non-object arguments (-32602), and an {@code MCP-Protocol-Version} header naming a version this server does
 * not speak (HTTP 400, -32022 with the supported versions). Notifications are acknowledged (202) here: a stateless
 * server keeps nothing they could change. Only POST is served: a stateless server has no stream to
 * offer on GET and no session to end on DELETE (405).
 *
 * <p>The body, already capped by a {@code BodyLimitFilter}, is read once here and replayed to the servlet. An
 * {@code Accept} header that does not name both JSON and SSE is completed for the SDK (which insists on both),
 * since the answer is JSON either way and plain HTTP clients should not be refused for it.
 */
public class McpRequestGuard extends OncePerRequestFilter {

    /** JSON-RPC error codes (JSON-RPC 2.0, and MCP's code for an unsupported protocol version). */
    public static final int PARSE_ERROR = -32700;

    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

    static final String PROTOCOL_VERSION_HEADER = "MCP-Protocol-Version";
    private static final String ACCEPT_BOTH = "application/json, text/event-stream";

    private final Set<String> methods;
    private final List<String> versions;
    private final JsonMapper mapper;

    /**
     * @param methods  the request methods the server answers
     * @param versions the protocol versions the server speaks
     */
    public McpRequestGuard(Set<String> methods, List<String> versions) {
        this.methods = Set.copyOf(methods);
        this.versions = List.copyOf(versions);
        this.mapper = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            response.setStatus(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        String version = request.getHeader(PROTOCOL_VERSION_HEADER);
        if (version != null && !versions.contains(version.strip())) {
            write(
                    response,
                    HttpServletResponse.SC_BAD_REQUEST,
                    null,
                    UNSUPPORTED_PROTOCOL_VERSION,
                    "Unsupported protocol version '" + Texts.abbreviate(version, 40) + "'; supported: " + versions,
                    Map.of("supported", versions, "requested", Texts.abbreviate(version, 40)));
            return;
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLargeException e) {
            write(
                    response,
                    HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    null,
                    INVALID_REQUEST,
                    "The message exceeds the limit of " + e.limit() + " bytes",
                    null);
            return;
        }
        JsonNode message;
        try {
            message = mapper.readTree(body);
        } catch (JacksonException | NumberFormatException e) {
            write(response, HttpServletResponse.SC_BAD_REQUEST, null, PARSE_ERROR, "Parse error: not valid JSON", null);
            return;
        }
        String refusal = refusal(message);
        if (refusal != null) {
            JsonNode id = message != null && message.isObject() ? validId(message.get("id")) : null;
            write(response, HttpServletResponse.SC_BAD_REQUEST, id, INVALID_REQUEST, refusal, null);
            return;
        }
        String method = message.get("method").asString();
        JsonNode id = message.get("id");
        if (id == null) {
            // A notification (initialized, cancelled, ...): a stateless server has nothing to do with any of them.
            response.setStatus(HttpServletResponse.SC_ACCEPTED);
            return;
        }
        if (!methods.contains(method)) {
            write(
                    response,
                    HttpServletResponse.SC_OK,
                    id,
                    METHOD_NOT_FOUND,
                    "Method not found: " + Texts.abbreviate(method, 80),
                    null);
            return;
        }
        String invalid = invalidParams(method, message.get("params"));
        if (invalid != null) {
            write(response, HttpServletResponse.SC_OK, id, INVALID_PARAMS, invalid, null);
            return;
        }
        chain.doFilter(new ReplayedRequest(request, body), response);
    }

    /** What is wrong with the envelope; null when it is a well-formed request or notification. */
    private static String refusal(JsonNode message) {
        if (message == null || message.isMissingNode()) {
            return "Invalid request: the body is empty";
        }
        if (message.isArray()) {
            return "Invalid request: JSON-RPC batches are not supported (removed in MCP 2025-06-18)";
        }
        if (!message.isObject()) {
            return "Invalid request: a JSON-RPC message must be a JSON object";
        }
        JsonNode jsonrpc = message.get("jsonrpc");
        if (jsonrpc == null || !jsonrpc.isString() || !"2.0".equals(jsonrpc.asString())) {
            return "Invalid request: \"jsonrpc\" must be \"2.0\"";
        }
        JsonNode method = message.get("method");
        if (method == null) {
            return "Invalid request: this server sends no requests, so it takes no responses; a request needs"
                    + " \"method\"";
        }
        if (!method.isString() || method.asString().isBlank()) {
            return "Invalid request: \"method\" must be a non-empty string";
        }
        if (message.has("id") && validId(message.get("id")) == null) {
            return "Invalid request: \"id\" must be a string or an integer";
        }
        JsonNode params = message.get("params");
        if (params != null && !params.isObject()) {
            return "Invalid request: \"params\" must be an object";
        }
        return null;
    }

    private static JsonNode validId(JsonNode id) {
        return id != null && (id.isString() || id.isIntegralNumber()) ? id : null;
    }

    private static String invalidParams(String method, JsonNode params) {
        if (!"tools/call".equals(method)) {
            return null;
        }
        if (params == null) {
            return "Invalid params: tools/call needs params with the tool's \"name\"";
        }
        JsonNode name = params.get("name");
        if (name == null || !name.isString() || name.asString().isBlank()) {
            return "Invalid params: \"name\" must be the name of a tool";
        }
        JsonNode arguments = params.get("arguments");
        if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
            return "Invalid params: \"arguments\" must be an object of named arguments";
        }
        return null;
    }

    private void write(HttpServletResponse response, int status, JsonNode id, int code, String message, Object data)
            throws IOException {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.put("data", data);
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("jsonrpc", "2.0");
        envelope.put("id", id);
        envelope.put("error", error);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(mapper.writeValueAsBytes(envelope));
    }

    /** The request with its body replayed and an {@code Accept} the SDK takes. */
    private static final class ReplayedRequest extends HttpServletRequestWrapper {

        private final byte[] body;

        ReplayedRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("blocking reads only");
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return in.read(buffer, offset, length);
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public String getHeader(String name) {
            return "Accept".equalsIgnoreCase(name) ? accept() : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "Accept".equalsIgnoreCase(name)
                    ? Collections.enumeration(List.of(accept()))
                    : super.getHeaders(name);
        }

        private String accept() {
            String accept = super.getHeader("Accept");
            if (accept != null && accept.contains("application/json") && accept.contains("text/event-stream")) {
                return accept;
            }
            return ACCEPT_BOTH;
        }
    }
}
