package io.agentforge.agent.web;

import org.springframework.http.HttpStatus;

/**
 * A refusal the caller should see as a problem of type {@code urn:agentforge:problem:<kind>}; features extend it, so
 * the web layer answers them without knowing the features.
 */
public class ProblemException extends RuntimeException {

    private final HttpStatus status;
    private final String kind;

    public ProblemException(HttpStatus status, String kind, String message) {
        super(message);
        this.status = status;
        this.kind = kind;
    }

    public HttpStatus status() {
        return status;
    }

    /** Last segment of the problem type, e.g. {@code validation}. */
    public String kind() {
        return kind;
    }
}
