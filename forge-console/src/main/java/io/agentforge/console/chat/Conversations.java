package io.agentforge.console.chat;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The agent's conversation history, as its API returns it. */
public final class Conversations {

    private Conversations() {}

    /** An entry of {@code GET /api/v1/conversations}. */
    public record Summary(String id, String title, Instant createdAt, Instant updatedAt, int turns) {}

    /** {@code GET /api/v1/conversations/{id}}. */
    public record Conversation(String id, String title, Instant createdAt, Instant updatedAt, List<Turn> turns) {

        public Conversation {
            turns = turns == null ? List.of() : List.copyOf(turns);
        }
    }

    /** One question with its answer and the tool calls behind it. */
    public record Turn(String question, String answer, List<Step> steps, Instant at) {

        public Turn {
            steps = steps == null ? List.of() : List.copyOf(steps);
        }
    }

    /** One tool call: the function, its arguments, and its result or error. */
    public record Step(String tool, JsonNode arguments, JsonNode result, String error, long durationMs) {}
}
