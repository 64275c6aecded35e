package io.agentforge.starter;

import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.web.ProblemWriter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Stable problem {@code type} URIs of the function endpoint, in the registry's {@code urn:agentforge:problem:} scheme. */
public final class ForgeProblems {

    /** The arguments break the function's input schema; the problem names the field. */
    public static final URI VALIDATION = ProblemTypes.VALIDATION;
    /** The body is not a JSON object. */
    public static final URI MALFORMED_REQUEST = ProblemTypes.MALFORMED_REQUEST;

    public static final URI PAYLOAD_TOO_LARGE = ProblemTypes.PAYLOAD_TOO_LARGE;
    /** No function of that name is published here. */
    public static final URI NOT_FOUND = ProblemTypes.NOT_FOUND;

    public static final URI UNAUTHORIZED = ProblemTypes.UNAUTHORIZED;
    public static final URI FORBIDDEN = ProblemTypes.FORBIDDEN;
    /** The caller's key could not be checked (registry unreachable or not configured). */
    public static final URI UNAVAILABLE = ProblemTypes.UNAVAILABLE;
    /** The tool refused the call with an exception of its own. */
    public static final URI TOOL_ERROR = type("tool-error");

    public static final URI INTERNAL = ProblemTypes.INTERNAL;

    private ForgeProblems() {}

    /** {@code urn:agentforge:problem:<kind>}. */
    public static URI type(String kind) {
        return ProblemTypes.of(kind);
    }

    static ProblemDetail of(HttpStatusCode status, URI type, String title, String detail) {
        return ProblemWriter.problem(status, type, title, detail);
    }

    /** Writes a problem from a filter, where no message converter is at hand. */
    static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        ProblemWriter.write(response, problem);
    }
}
