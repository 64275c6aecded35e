package io.agentforge.agent.conversation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Conversations of one agent process; bounded per caller and in total so a flood of new conversations can't exhaust
 * memory.
 */
public final class InMemoryConversationStore implements ConversationStore {

    private final ConcurrentHashMap<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final int maxTotal;
    private final int maxPerCaller;
    private final int maxTurns;

    public InMemoryConversationStore(ConversationProperties limits) {
        this.maxTotal = limits.maxTotal();
        this.maxPerCaller = limits.maxPerCaller();
        this.maxTurns = limits.maxTurns();
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
        boolean[] created = {false};
        conversations.compute(id, (key, existing) -> {
            created[0] = existing == null;
            Conversation base =
                    existing != null ? existing : new Conversation(id, owner, Titles.of(question), at, at, List.of());
            List<Conversation.Turn> turns = new ArrayList<>(base.turns());
            turns.add(new Conversation.Turn(question, answer, steps, at));
            if (turns.size() > maxTurns) {
                turns = turns.subList(turns.size() - maxTurns, turns.size());
            }
            return new Conversation(id, base.owner(), base.title(), base.createdAt(), at, turns);
        });
        if (created[0]) {
            List<Conversation> owners = conversations.values().stream()
                    .filter(c -> c.owner().equals(owner))
                    .toList();
            if (owners.size() > maxPerCaller) {
                owners.stream()
                        .filter(c -> !c.id().equals(id))
                        .sorted(Comparator.comparing(Conversation::updatedAt))
                        .limit(owners.size() - maxPerCaller)
                        .forEach(oldest -> conversations.remove(oldest.id()));
            }
        }
        if (conversations.size() > maxTotal) {
            // Evict the oldest tenth in one pass, so a full store doesn't scan everything on every question.
            conversations.values().stream()
                    .sorted(Comparator.comparing(Conversation::updatedAt))
                    .limit(Math.max(1, maxTotal / 10))
                    .forEach(oldest -> conversations.remove(oldest.id()));
        }
    }

    @Override
    public int prune(Instant before) {
        int removed = 0;
        for (Conversation conversation : conversations.values()) {
            if (conversation.updatedAt().isBefore(before) && conversations.remove(conversation.id(), conversation)) {
                removed++;
            }
        }
        return removed;
    }
}
