package io.agentforge.agent.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link ConversationStore} does about the per-caller cap and the retention. */
abstract class ConversationRetentionContract {

    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    /** A store with these limits; stores may share data between tests, so each test uses its own owners. */
    abstract ConversationStore store(ConversationProperties limits);

    private static ConversationProperties limits(int maxPerCaller, Duration retention) {
        return new ConversationProperties(maxPerCaller, retention, Duration.ofHours(1), 50, 10_000);
    }

    private static String owner(String name) {
        return "key:" + name + "-" + UUID.randomUUID();
    }

    private static String id(String name) {
        return name + "-" + UUID.randomUUID();
    }

    @Test
    void startingAConversationBeyondTheCapRemovesTheCallersLeastRecentlyUpdatedOne() {
        ConversationStore store = store(limits(3, Duration.ofDays(30)));
        String alice = owner("alice");
        String bob = owner("bob");
        String bobs = id("bob");
        store.append(bobs, bob, "bob's", "answer", List.of(), START);
        List<String> ids = List.of(id("c1"), id("c2"), id("c3"), id("c4"));
        for (int i = 0; i < ids.size(); i++) {
            store.append(ids.get(i), alice, "question " + i, "answer", List.of(), START.plusSeconds(60 + i));
        }

        assertThat(store.find(ids.get(0))).isEmpty();
        assertThat(store.list(alice, 10))
                .extracting(Conversation.Summary::id)
                .containsExactly(ids.get(3), ids.get(2), ids.get(1));
        assertThat(store.find(bobs)).as("another caller's conversation").isPresent();
    }

    @Test
    void continuingAConversationKeepsItAndMakesItTheLastToGo() {
        ConversationStore store = store(limits(3, Duration.ofDays(30)));
        String alice = owner("alice");
        List<String> ids = List.of(id("c1"), id("c2"), id("c3"), id("c4"));
        for (int i = 0; i < 3; i++) {
            store.append(ids.get(i), alice, "question " + i, "answer", List.of(), START.plusSeconds(i));
        }
        store.append(ids.get(0), alice, "follow-up", "answer", List.of(), START.plusSeconds(10));

        assertThat(store.list(alice, 10)).hasSize(3);
        store.append(ids.get(3), alice, "question 3", "answer", List.of(), START.plusSeconds(20));

        assertThat(store.find(ids.get(1))).isEmpty();
        assertThat(store.find(ids.get(0)).orElseThrow().turns()).hasSize(2);
        assertThat(store.list(alice, 10))
                .extracting(Conversation.Summary::id)
                .containsExactly(ids.get(3), ids.get(0), ids.get(2));
    }

    @Test
    void theSweepRemovesConversationsWithoutATurnWithinTheRetentionAndKeepsTheOthers() {
        ConversationProperties limits = limits(200, Duration.ofDays(30));
        ConversationStore store = store(limits);
        // Earlier than every other test's conversations, which may share the store.
        Instant start = Instant.parse("2000-01-01T00:00:00Z");
        MutableClock clock = new MutableClock(start);
        ConversationSweeper sweeper = new ConversationSweeper(store, limits, clock);
        String alice = owner("alice");
        String old = id("old");
        String revived = id("revived");
        String recent = id("recent");
        store.append(old, alice, "old", "answer", List.of(), start);
        store.append(revived, alice, "revived", "answer", List.of(), start);
        store.append(revived, alice, "again", "answer", List.of(), start.plus(Duration.ofDays(20)));
        store.append(recent, alice, "recent", "answer", List.of(), start.plus(Duration.ofDays(10)));

        clock.advance(Duration.ofDays(30));
        assertThat(sweeper.sweep()).as("nothing is older than 30 days yet").isZero();
        clock.advance(Duration.ofDays(1));

        assertThat(sweeper.sweep()).isEqualTo(1);
        assertThat(store.find(old)).isEmpty();
        assertThat(store.find(revived)).isPresent();
        assertThat(store.find(recent)).isPresent();
        assertThat(store.list(alice, 10)).extracting(Conversation.Summary::id).containsExactly(revived, recent);
    }
}
