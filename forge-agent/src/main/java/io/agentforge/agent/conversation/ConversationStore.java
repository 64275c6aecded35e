package io.agentforge.agent.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Conversation history: in memory by default, in PostgreSQL when a datasource is configured. */
public interface ConversationStore {

    Optional<Conversation> find(String id);

    /** The owner's conversations, most recently updated first, at most {@code limit}. */
    List<Conversation.Summary> list(String owner, int limit);

    /** Adds a turn, creating the conversation (titled by its first question) when it is new. */
    void append(String id, String owner, String question, String answer, List<ToolStep> steps, Instant at);
}
