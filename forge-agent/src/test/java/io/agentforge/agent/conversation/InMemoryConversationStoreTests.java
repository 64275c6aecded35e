package io.agentforge.agent.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryConversationStoreTests extends ConversationRetentionContract {

    @Override
    ConversationStore store(ConversationProperties limits) {
        return new InMemoryConversationStore(limits);
    }

    private final Instant start = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void aFullStoreForgetsTheLeastRecentlyUpdatedConversations() {
        InMemoryConversationStore store = new InMemoryConversationStore(
                new ConversationProperties(200, Duration.ofDays(30), Duration.ofHours(1), 5, 20));
        for (int i = 0; i < 21; i++) {
            store.append("c-" + i, "key:alice", "question " + i, "answer", List.of(), start.plusSeconds(i));
        }

        assertThat(store.find("c-0")).isEmpty();
        assertThat(store.find("c-1")).isEmpty();
        assertThat(store.find("c-2")).isPresent();
        assertThat(store.find("c-20")).isPresent();
    }

    @Test
    void aConversationKeepsOnlyItsLatestTurns() {
        InMemoryConversationStore store = new InMemoryConversationStore(
                new ConversationProperties(200, Duration.ofDays(30), Duration.ofHours(1), 2, 20));
        for (int i = 0; i < 3; i++) {
            store.append("c-1", "key:alice", "question " + i, "answer " + i, List.of(), start.plusSeconds(i));
        }

        assertThat(store.find("c-1").orElseThrow().turns())
                .extracting(Conversation.Turn::question)
                .containsExactly("question 1", "question 2");
        assertThat(store.find("c-1").orElseThrow().title()).isEqualTo("question 0");
        assertThat(store.list("key:alice", 10))
                .singleElement()
                .satisfies(s -> assertThat(s.turns()).isEqualTo(2));
        assertThat(store.list("key:bob", 10)).isEmpty();
    }
}
