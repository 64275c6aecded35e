package io.agentforge.agent.web;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import java.net.URI;

/** Problem details with the stable {@code urn:agentforge:problem:<kind>} types used across Agent Forge. */
public final class Problems {

    public static final String PREFIX = "urn:agentforge:problem:";

    private Problems() {
    }

    public static ProblemDetail of(HttpStatusCode status, String kind, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(PREFIX + kind));
        problem.setTitle(title);
        return problem;
    }

    /** The kind used for a status when no more specific one applies. */
    public static String kindFor(int status) {
        return switch (status) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            case 429 -> "rate-limited";
            default -> status >= 500 ? "internal" : "malformed-request";
        };
    }
}
