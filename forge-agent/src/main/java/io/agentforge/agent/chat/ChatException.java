package io.agentforge.agent.chat;

import io.agentforge.agent.web.ProblemException;
import org.springframework.http.HttpStatus;

/** A question the agent could not answer for a reason the caller should see (bad option, model unreachable). */
public class ChatException extends ProblemException {

    public ChatException(HttpStatus status, String kind, String message) {
        super(status, kind, message);
    }

    /** A conversation that isn't the caller's, never was, or was removed by the retention rules. */
    static ChatException conversationNotFound(String id) {
        return new ChatException(
                HttpStatus.NOT_FOUND,
                "not-found",
                "No conversation '" + id + "' of yours. The agent"
                        + " removes a conversation after a time without questions (agentforge.agent.conversations.retention)"
                        + " and a caller's oldest ones beyond agentforge.agent.conversations.max-per-caller; start a new one.");
    }
}
