package io.agentforge.agent.a2a;

import io.agentforge.agent.a2a.A2aWire.SendMessageResponse;
import io.agentforge.agent.a2a.A2aWire.StreamResponse;
import io.agentforge.agent.chat.Callers;
import io.agentforge.agent.config.AgentProperties;
import io.agentforge.agent.security.Caller;
import io.agentforge.agent.security.RateLimiter;
import io.agentforge.web.PayloadTooLargeException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's A2A 1.0 JSON-RPC endpoint: {@code SendMessage}, {@code SendStreamingMessage} (an SSE stream of
 * {@code StreamResponse}s), {@code GetTask} and {@code CancelTask}. Every failure is a JSON-RPC error object, never a
 * problem document or a 500: HTTP 200 for errors of the call, 413/429/503 for those of the HTTP request itself.
 */
@RestController
@Tag(name = "A2A", description = "The agent as an A2A 1.0 server (JSON-RPC binding); the card is public")
class A2aController {

    static final String PATH = "/a2a";

    private static final Logger log = LoggerFactory.getLogger(A2aController.class);
    private static final String VERSION_HEADER = "A2A-Version";
    // The a2a-java 1.0 client's spelling.
    private static final String LEGACY_VERSION_HEADER = "X-A2A-Version";
    private static final Map<String, String> V03_METHODS = Map.of(
            "message/send", "SendMessage",
            "message/stream", "SendStreamingMessage",
            "tasks/get", "GetTask",
            "tasks/cancel", "CancelTask");
    private static final Set<String> NOT_OFFERED = Set.of(
            "ListTasks",
            "SubscribeToTask",
            "GetExtendedAgentCard",
            "tasks/resubscribe",
            "agent/getAuthenticatedExtendedCard");
    private static final Set<String> PUSH = Set.of(
            "CreateTaskPushNotificationConfig",
            "GetTaskPushNotificationConfig",
            "ListTaskPushNotificationConfigs",
            "DeleteTaskPushNotificationConfig",
            "tasks/pushNotificationConfig/set",
            "tasks/pushNotificationConfig/get",
            "tasks/pushNotificationConfig/list",
            "tasks/pushNotificationConfig/delete");

    private final A2aService service;
    private final RateLimiter rateLimiter;
    private final JsonMapper json;
    private final Duration deadline;

    A2aController(A2aService service, RateLimiter rateLimiter, JsonMapper json, AgentProperties properties) {
        this.service = service;
        this.rateLimiter = rateLimiter;
        this.json = json;
        this.deadline = properties.deadline();
    }

    @PostMapping(PATH)
    @Operation(
            summary = "A2A 1.0 JSON-RPC: SendMessage, SendStreamingMessage (text/event-stream), GetTask, CancelTask;"
                    + " send 'A2A-Version: 1.0'")
    @Nullable
    SseEmitter call(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        JsonNode id = null;
        try {
            JsonNode call = read(request);
            id = call.get("id");
            String method = method(call);
            String version = version(request, method);
            if (!"1.0".equals(version)) {
                throw new JsonRpcError(
                        JsonRpcError.VERSION_NOT_SUPPORTED,
                        "VERSION_NOT_SUPPORTED",
                        "A2A version " + version + " is not supported: this agent serves A2A 1.0 only (its 0.3"
                                + " method names are accepted with 'A2A-Version: 1.0', answered in the 1.0 shapes)",
                        Map.of("supportedVersions", A2aWire.PROTOCOL_VERSION),
                        HttpStatus.OK);
            }
            method = V03_METHODS.getOrDefault(method, method);
            JsonNode params = call.get("params");
            if (params == null || !params.isObject()) {
                throw JsonRpcError.invalidParams("params must be an object");
            }
            Caller caller = Callers.caller(authentication);
            switch (method) {
                case "SendMessage" -> {
                    limit(caller);
                    A2aService.Accepted accepted = service.accept(caller, Callers.onBehalfOf(caller), params);
                    var done = service.start(accepted, false, A2aService.Events.NONE);
                    if (!accepted.returnImmediately()) {
                        service.await(done);
                    }
                    write(
                            response,
                            HttpStatus.OK,
                            result(id, new SendMessageResponse(accepted.task().view(accepted.history()))));
                    return null;
                }
                case "SendStreamingMessage" -> {
                    limit(caller);
                    A2aService.Accepted accepted = service.accept(caller, Callers.onBehalfOf(caller), params);
                    return stream(id, accepted);
                }
                case "GetTask" -> write(response, HttpStatus.OK, result(id, service.get(caller, params)));
                case "CancelTask" -> write(response, HttpStatus.OK, result(id, service.cancel(caller, params)));
                default -> throw unknown(method);
            }
        } catch (JsonRpcError e) {
            if (e.code() == JsonRpcError.RATE_LIMITED) {
                response.setHeader(HttpHeaders.RETRY_AFTER, e.detail("retryAfterSeconds"));
            }
            write(response, e.httpStatus(), error(id, e));
        }
        return null;
    }

    private SseEmitter stream(@Nullable JsonNode id, A2aService.Accepted accepted) {
        SseEmitter emitter = new SseEmitter(deadline.plusSeconds(30).toMillis());
        AtomicBoolean gone = new AtomicBoolean();
        emitter.onTimeout(() -> gone.set(true));
        emitter.onError(e -> gone.set(true));
        // The task goes on when its stream goes: it can still be read with GetTask (spec 3.5.2).
        service.start(accepted, true, new A2aService.Events() {
            @Override
            public synchronized void send(StreamResponse event) {
                if (gone.get()) {
                    return;
                }
                try {
                    emitter.send(SseEmitter.event().data(result(id, event), MediaType.APPLICATION_JSON));
                } catch (IOException | IllegalStateException e) {
                    log.debug("A2A stream client went away: {}", e.toString());
                    gone.set(true);
                }
            }

            @Override
            public synchronized void close() {
                if (!gone.getAndSet(true)) {
                    emitter.complete();
                }
            }
        });
        return emitter;
    }

    private JsonNode read(HttpServletRequest request) throws IOException {
        String contentType = request.getContentType();
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new JsonRpcError(
                    JsonRpcError.INVALID_REQUEST,
                    "UNSUPPORTED_MEDIA_TYPE",
                    "Send the JSON-RPC request as application/json, not " + contentType);
        }
        byte[] body;
        try {
            body = request.getInputStream().readAllBytes();
        } catch (PayloadTooLargeException e) {
            throw new JsonRpcError(
                    JsonRpcError.INVALID_REQUEST,
                    "PAYLOAD_TOO_LARGE",
                    e.getMessage(),
                    Map.of(),
                    HttpStatus.CONTENT_TOO_LARGE);
        }
        JsonNode call;
        try {
            call = json.readTree(body);
        } catch (JacksonException e) {
            throw new JsonRpcError(
                    JsonRpcError.PARSE_ERROR,
                    "PARSE_ERROR",
                    "Invalid JSON payload: " + abbreviate(e.getOriginalMessage()));
        }
        if (call == null || call.isMissingNode() || !call.isObject()) {
            throw new JsonRpcError(
                    JsonRpcError.INVALID_REQUEST,
                    "INVALID_REQUEST",
                    call != null && call.isArray()
                            ? "JSON-RPC batches are not supported: send one request per POST"
                            : "The body must be a JSON-RPC 2.0 request object");
        }
        return call;
    }

    private static String method(JsonNode call) {
        if (!"2.0".equals(call.path("jsonrpc").asString(null))) {
            throw new JsonRpcError(JsonRpcError.INVALID_REQUEST, "INVALID_REQUEST", "jsonrpc must be \"2.0\"");
        }
        JsonNode id = call.get("id");
        if (id == null || !(id.isString() || id.isIntegralNumber())) {
            throw new JsonRpcError(
                    JsonRpcError.INVALID_REQUEST,
                    "INVALID_REQUEST",
                    "id must be a string or a whole number (A2A has no notifications)");
        }
        JsonNode method = call.get("method");
        if (method == null || !method.isString() || method.asString().isBlank()) {
            throw new JsonRpcError(JsonRpcError.INVALID_REQUEST, "INVALID_REQUEST", "method must be a string");
        }
        return method.asString();
    }

    /**
     * The version the request asks for: its header (major.minor; a patch is ignored), else, as the spec says for a
     * missing header, 0.3 for a 0.3 method name; a 1.0 method name without the header is taken as 1.0.
     */
    private static String version(HttpServletRequest request, String method) {
        String header = request.getHeader(VERSION_HEADER);
        if (header == null || header.isBlank()) {
            header = request.getHeader(LEGACY_VERSION_HEADER);
        }
        if (header == null || header.isBlank()) {
            header = request.getParameter(VERSION_HEADER);
        }
        if (header == null || header.isBlank()) {
            return V03_METHODS.containsKey(method) || method.contains("/") ? "0.3" : A2aWire.PROTOCOL_VERSION;
        }
        String[] parts = header.strip().split("\\.");
        String version = parts.length >= 2 ? parts[0] + "." + parts[1] : header.strip();
        return version.length() > 20 ? version.substring(0, 20) : version;
    }

    private static JsonRpcError unknown(String method) {
        if (PUSH.contains(method)) {
            return new JsonRpcError(
                    JsonRpcError.PUSH_NOTIFICATION_NOT_SUPPORTED,
                    "PUSH_NOTIFICATION_NOT_SUPPORTED",
                    "This agent sends no push notifications (capabilities.pushNotifications is false)");
        }
        if (NOT_OFFERED.contains(method)) {
            return new JsonRpcError(
                    JsonRpcError.UNSUPPORTED_OPERATION,
                    "UNSUPPORTED_OPERATION",
                    method + " is not offered by this agent: it serves SendMessage, SendStreamingMessage, GetTask"
                            + " and CancelTask");
        }
        return new JsonRpcError(
                JsonRpcError.METHOD_NOT_FOUND,
                "METHOD_NOT_FOUND",
                "Method not found: " + abbreviate(method)
                        + ". This agent serves SendMessage, SendStreamingMessage, GetTask and CancelTask");
    }

    private void limit(Caller caller) {
        rateLimiter.acquire(caller.id()).ifPresent(wait -> {
            long seconds = Math.max(1, wait.toSeconds() + (wait.toMillisPart() > 0 ? 1 : 0));
            throw new JsonRpcError(
                    JsonRpcError.RATE_LIMITED,
                    "RATE_LIMITED",
                    "Too many questions; try again in " + seconds + " s",
                    Map.of("retryAfterSeconds", Long.toString(seconds)),
                    HttpStatus.TOO_MANY_REQUESTS);
        });
    }

    private static Map<String, Object> result(@Nullable JsonNode id, Object result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", id);
        body.put("result", result);
        return body;
    }

    private static Map<String, Object> error(@Nullable JsonNode id, JsonRpcError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("jsonrpc", "2.0");
        body.put("id", id != null && (id.isString() || id.isIntegralNumber()) ? id : null);
        body.put("error", error.body());
        return body;
    }

    private void write(HttpServletResponse response, HttpStatus status, Object body) throws IOException {
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        json.writeValue(response.getOutputStream(), body);
    }

    private static String abbreviate(@Nullable String text) {
        if (text == null) {
            return "";
        }
        String line = text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 197) + "..." : line;
    }
}
