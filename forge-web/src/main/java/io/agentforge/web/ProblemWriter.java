package io.agentforge.web;

import io.agentforge.registry.api.ProblemTypes;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

/**
 * RFC 9457 problems: built with a stable {@code urn:agentforge:problem:} type, and written straight to the response by
 * filters and entry points that run before Spring MVC (where no message converter is at hand).
 */
public final class ProblemWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemWriter() {}

    public static ProblemDetail problem(HttpStatusCode status, URI type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(type);
        problem.setTitle(title);
        return problem;
    }

    /** A problem of type {@code urn:agentforge:problem:<kind>}. */
    public static ProblemDetail problem(HttpStatusCode status, String kind, String title, String detail) {
        return problem(status, ProblemTypes.of(kind), title, detail);
    }

    /** Writes the problem with its status; extra properties follow the standard members. */
    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
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
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    /** {@link #write(HttpServletResponse, ProblemDetail)} of a problem of type {@code urn:agentforge:problem:<kind>}. */
    public static void write(HttpServletResponse response, int status, String kind, String title, String detail)
            throws IOException {
        write(response, problem(HttpStatusCode.valueOf(status), kind, title, detail));
    }
}
