package io.agentforge.agent.a2a;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A JSON-RPC error this endpoint answers with: the codes of JSON-RPC 2.0 and the A2A-specific ones (spec 5.4), with
 * a {@code google.rpc.ErrorInfo} detail naming the reason. {@code httpStatus} is 200 unless the failure is one of the
 * HTTP request itself (body too large, rate limited).
 */
final class JsonRpcError extends RuntimeException {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INVALID_PARAMS = -32602;
    static final int INTERNAL_ERROR = -32603;
    static final int TASK_NOT_FOUND = -32001;
    static final int TASK_NOT_CANCELABLE = -32002;
    static final int PUSH_NOTIFICATION_NOT_SUPPORTED = -32003;
    static final int UNSUPPORTED_OPERATION = -32004;
    static final int CONTENT_TYPE_NOT_SUPPORTED = -32005;
    static final int VERSION_NOT_SUPPORTED = -32009;
    /** Implementation-defined (JSON-RPC reserves -32000 to -32099 for servers): too many questions. */
    static final int RATE_LIMITED = -32029;

    private final int code;
    private final String reason;
    private final Map<String, String> details;
    private final HttpStatus httpStatus;

    JsonRpcError(int code, String reason, String message) {
        this(code, reason, message, Map.of(), HttpStatus.OK);
    }

    JsonRpcError(int code, String reason, String message, Map<String, String> details, HttpStatus httpStatus) {
        super(message, null, false, false);
        this.code = code;
        this.reason = reason;
        this.details = Map.copyOf(details);
        this.httpStatus = httpStatus;
    }

    static JsonRpcError invalidParams(String message) {
        return new JsonRpcError(INVALID_PARAMS, "INVALID_PARAMS", message);
    }

    static JsonRpcError taskNotFound(String id) {
        return new JsonRpcError(
                TASK_NOT_FOUND,
                "TASK_NOT_FOUND",
                "Task not found: no task '" + id + "' of yours (tasks are kept for a while after they end, then"
                        + " forgotten)",
                Map.of("taskId", id),
                HttpStatus.OK);
    }

    int code() {
        return code;
    }

    @org.jspecify.annotations.Nullable
    String detail(String key) {
        return details.get(key);
    }

    HttpStatus httpStatus() {
        return httpStatus;
    }

    /** The {@code error} member of the response. */
    Map<String, Object> body() {
        Map<String, Object> info = new java.util.LinkedHashMap<>();
        info.put("@type", "type.googleapis.com/google.rpc.ErrorInfo");
        info.put("reason", reason);
        info.put("domain", "agentforge.io");
        if (!details.isEmpty()) {
            info.put("metadata", details);
        }
        return Map.of("code", code, "message", getMessage(), "data", List.of(info));
    }
}
