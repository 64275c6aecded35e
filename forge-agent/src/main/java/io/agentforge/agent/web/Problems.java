package io.agentforge.agent.web;

import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.web.ProblemWriter;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

/** Problem details with the stable {@code urn:agentforge:problem:<kind>} types used across Agent Forge. */
public final class Problems {

    private Problems() {}

    public static ProblemDetail of(HttpStatusCode status, String kind, String title, String detail) {
        return ProblemWriter.problem(status, kind, title, detail);
    }

    /** The kind used for a status when no more specific one applies. */
    public static String kindFor(int status) {
        return ProblemTypes.kindFor(status);
    }
}
