package io.agentforge.agent.chat;

import org.springframework.http.HttpStatus;

/** A question the agent could not answer for a reason the caller should see (bad option, model unreachable). */
public class ChatException extends RuntimeException {

    private final HttpStatus status;
    private final String kind;

    public ChatException(HttpStatus status, String kind, String message) {
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
