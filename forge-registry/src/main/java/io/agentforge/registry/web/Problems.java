package io.agentforge.registry.web;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import java.net.URI;

/** Stable problem {@code type} URIs of the registry API; clients may switch on them. */
public final class Problems {

    public static final String PREFIX = "urn:agentforge:problem:";
    public static final URI VALIDATION = type("validation");
    public static final URI MALFORMED_REQUEST = type("malformed-request");
    public static final URI PAYLOAD_TOO_LARGE = type("payload-too-large");
    public static final URI NOT_FOUND = type("not-found");
    public static final URI FUNCTION_CONFLICT = type("function-conflict");
    public static final URI ENDPOINT_REFUSED = type("endpoint-refused");
    public static final URI UNAUTHORIZED = type("unauthorized");
    public static final URI FORBIDDEN = type("forbidden");
    public static final URI METHOD_NOT_ALLOWED = type("method-not-allowed");
    public static final URI UNSUPPORTED_MEDIA_TYPE = type("unsupported-media-type");
    public static final URI NOT_ACCEPTABLE = type("not-acceptable");
    public static final URI UNAVAILABLE = type("unavailable");
    public static final URI INTERNAL = type("internal");

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
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

    private static URI type(String kind) {
        return URI.create(PREFIX + kind);
    }
}
