package io.agentforge.agent.conversation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Conversations of one agent process; bounded so a flood of new conversations can't exhaust memory. */
public final class InMemoryConversationStore implements ConversationStore {

    private final ConcurrentHashMap<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final int maxConversations;
    private final int maxTurns;

    public InMemoryConversationStore(int maxConversations, int maxTurns) {
        this.maxConversations = maxConversations;
        this.maxTurns = maxTurns;
    }

    @Override
    public Optional<Conversation> find(String id) {
        return Optional.ofNullable(conversations.get(id));
    }

    @Override
    public List<Conversation.Summary> list(String owner, int limit) {
        return conversations.values().stream()
                .filter(c -> c.owner().equals(owner))
                .sorted(Comparator.comparing(Conversation::updatedAt).reversed())
                .limit(limit)
                .map(Conversation::summary)
                .toList();
    }

    @Override
    public void append(String id, String owner, String question, String answer, List<ToolStep> steps, Instant at) {
        conversations.compute(id, (key, existing) -> {
            Conversation base = existing != null ? existing
                    : new Conversation(id, owner, Titles.of(question), at, at, List.of());
            List<Conversation.Turn> turns = new ArrayList<>(base.turns());
            turns.add(new Conversation.Turn(question, answer, steps, at));
            if (turns.size() > maxTurns) {
                turns = turns.subList(turns.size() - maxTurns, turns.size());
            }
            return new Conversation(id, base.owner(), base.title(), base.createdAt(), at, turns);
        });
        if (conversations.size() > maxConversations) {
            // Evict the oldest tenth in one pass, so a full store doesn't scan everything on every question.
            conversations.values().stream().sorted(Comparator.comparing(Conversation::updatedAt))
                    .limit(Math.max(1, maxConversations / 10))
                    .forEach(oldest -> conversations.remove(oldest.id()));
        }
    }
}
