package io.agentforge.agent.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Conversation history: in memory by default, in PostgreSQL when a datasource is configured. Both keep at most
 * {@link ConversationProperties#maxPerCaller()} conversations per owner and forget conversations older than the
 * retention when {@link #prune(Instant)} runs.
 */
public interface ConversationStore {

    Optional<Conversation> find(String id);

    /** The owner's conversations, most recently updated first, at most {@code limit}. */
    List<Conversation.Summary> list(String owner, int limit);

    /**
     * Adds a turn, creating the conversation (titled by its first question) when it is new. Creating one beyond the
     * owner's cap removes the owner's least recently updated conversations (never this one).
     */
    void append(String id, String owner, String question, String answer, List<ToolStep> steps, Instant at);

    /**
     * Removes every conversation whose last turn is older than {@code before}.
     *
     * @return how many were removed
     */
    int prune(Instant before);
}
