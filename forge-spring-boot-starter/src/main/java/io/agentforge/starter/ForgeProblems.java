package io.agentforge.starter;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/** Stable problem {@code type} URIs of the function endpoint, in the registry's {@code urn:agentforge:problem:} scheme. */
public final class ForgeProblems {

    public static final String PREFIX = "urn:agentforge:problem:";
    /** The arguments break the function's input schema; the problem names the field. */
    public static final URI VALIDATION = type("validation");
    /** The body is not a JSON object. */
    public static final URI MALFORMED_REQUEST = type("malformed-request");
    public static final URI PAYLOAD_TOO_LARGE = type("payload-too-large");
    /** No function of that name is published here. */
    public static final URI NOT_FOUND = type("not-found");
    public static final URI UNAUTHORIZED = type("unauthorized");
    public static final URI FORBIDDEN = type("forbidden");
    /** The caller's key could not be checked (registry unreachable or not configured). */
    public static final URI UNAVAILABLE = type("unavailable");
    /** The tool refused the call with an exception of its own. */
    public static final URI TOOL_ERROR = type("tool-error");
    public static final URI INTERNAL = type("internal");

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ForgeProblems() {
    }

    /** {@code urn:agentforge:problem:<kind>}. */
    public static URI type(String kind) {
        return URI.create(PREFIX + kind);
    }

    static ProblemDetail of(HttpStatusCode status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    /** Writes a problem from a filter, where no message converter is at hand. */
    static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", problem.getType().toString());
        body.put("title", problem.getTitle());
        body.put("status", problem.getStatus());
        body.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            body.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            problem.getProperties().forEach(body::putIfAbsent);
        }
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        MAPPER.writeValue(response.getOutputStream(), body);
    }
}
