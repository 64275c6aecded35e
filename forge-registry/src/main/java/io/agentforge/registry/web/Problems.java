package io.agentforge.registry.web;

import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.web.ProblemWriter;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/** Stable problem {@code type} URIs of the registry API; clients may switch on them. */
public final class Problems {

    public static final URI VALIDATION = ProblemTypes.VALIDATION;
    public static final URI MALFORMED_REQUEST = ProblemTypes.MALFORMED_REQUEST;
    public static final URI PAYLOAD_TOO_LARGE = ProblemTypes.PAYLOAD_TOO_LARGE;
    public static final URI NOT_FOUND = ProblemTypes.NOT_FOUND;
    public static final URI FUNCTION_CONFLICT = ProblemTypes.of("function-conflict");
    public static final URI ENDPOINT_REFUSED = ProblemTypes.of("endpoint-refused");
    /** 403: the service name (or kind) is outside what the key may register. */
    public static final URI OUT_OF_SCOPE = ProblemTypes.of("out-of-scope");
    /** 403: another key owns the service name. */
    public static final URI NAME_OWNED = ProblemTypes.of("name-owned");
    /** 409: the service name is owned as another kind. */
    public static final URI KIND_CONFLICT = ProblemTypes.of("kind-conflict");
    /** 409: the service name can't be released while instances of it are live. */
    public static final URI NAME_IN_USE = ProblemTypes.of("name-in-use");
    /** 422: an {@code "mcp"} endpoint did not answer as an MCP server (unreachable, no tools/list, bad tools). */
    public static final URI MCP_SERVER_UNUSABLE = ProblemTypes.of("mcp-server-unusable");
    /** 429: a per-key or total limit is reached. */
    public static final URI LIMIT_EXCEEDED = ProblemTypes.of("limit-exceeded");

    public static final URI UNAUTHORIZED = ProblemTypes.UNAUTHORIZED;
    public static final URI FORBIDDEN = ProblemTypes.FORBIDDEN;
    public static final URI METHOD_NOT_ALLOWED = ProblemTypes.METHOD_NOT_ALLOWED;
    public static final URI UNSUPPORTED_MEDIA_TYPE = ProblemTypes.UNSUPPORTED_MEDIA_TYPE;
    public static final URI NOT_ACCEPTABLE = ProblemTypes.NOT_ACCEPTABLE;
    public static final URI UNAVAILABLE = ProblemTypes.UNAVAILABLE;
    public static final URI INTERNAL = ProblemTypes.INTERNAL;

    private Problems() {}

    public static ProblemDetail of(HttpStatusCode status, URI type, String title, String detail) {
        return ProblemWriter.problem(status, type, title, detail);
    }

    /** Seconds a client is asked to wait ({@code Retry-After}) before repeating a request refused for the database. */
    public static final String DATABASE_RETRY_AFTER = "1";

    /** The whole 503 answer, with Retry-After, to a request that needed the database while it can't be reached. */
    static ResponseEntity<ProblemDetail> databaseUnavailableAnswer() {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, DATABASE_RETRY_AFTER)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(databaseUnavailable());
    }

    /** The answer to a request that needed the database while it can't be reached. */
    public static ProblemDetail databaseUnavailable() {
        return of(
                HttpStatus.SERVICE_UNAVAILABLE,
                UNAVAILABLE,
                "Database unavailable",
                "The registry's database can't be reached right now; retry shortly, or through another replica"
                        + " (discovery reads, and for a sixth of their lease renewals of instances this replica knows,"
                        + " are still answered)");
    }

    /** The type used for a status when no more specific error kind applies. */
    public static URI forStatus(HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known == null) {
            return status.is5xxServerError() ? INTERNAL : MALFORMED_REQUEST;
        }
        return switch (known) {
            case NOT_FOUND -> NOT_FOUND;
            case UNAUTHORIZED -> UNAUTHORIZED;
            case FORBIDDEN -> FORBIDDEN;
            case METHOD_NOT_ALLOWED -> METHOD_NOT_ALLOWED;
            case UNSUPPORTED_MEDIA_TYPE -> UNSUPPORTED_MEDIA_TYPE;
            case NOT_ACCEPTABLE -> NOT_ACCEPTABLE;
            case CONTENT_TOO_LARGE -> PAYLOAD_TOO_LARGE;
            case SERVICE_UNAVAILABLE -> UNAVAILABLE;
            default -> known.is5xxServerError() ? INTERNAL : MALFORMED_REQUEST;
        };
    }
}
