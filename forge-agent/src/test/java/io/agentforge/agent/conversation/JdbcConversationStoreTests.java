package io.agentforge.agent.conversation;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JdbcConversationStoreTests extends ConversationRetentionContract {

    private static EmbeddedPostgres postgres;
    private static JdbcConversationStore store;

    @BeforeAll
    static void database() throws IOException {
        postgres = EmbeddedPostgres.builder().start();
        Flyway.configure()
                .dataSource(postgres.getPostgresDatabase())
                .locations("classpath:db/agent")
                .table("agent_schema_history")
                .load()
                .migrate();
        store = new JdbcConversationStore(
                postgres.getPostgresDatabase(),
                ForgeJacksonModule.mapper(),
                new ConversationProperties(200, Duration.ofDays(30), Duration.ofHours(1), 3, 10_000));
    }

    @Override
    ConversationStore store(ConversationProperties limits) {
        return new JdbcConversationStore(postgres.getPostgresDatabase(), ForgeJacksonModule.mapper(), limits);
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @Test
    void turnsAreKeptInOrderWithTheirStepsAndTitledByTheFirstQuestion() {
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        store.append(
                "c-1",
                "key:alice",
                "What is 2+2?",
                "4",
                List.of(new ToolStep(
                        "calculator_evaluate",
                        ForgeJacksonModule.mapper().readTree("{\"expression\":\"2+2\"}"),
                        ForgeJacksonModule.mapper().readTree("{\"result\":\"4\"}"),
                        null,
                        3)),
                at);
        store.append("c-1", "key:alice", "And times 3?", "12", List.of(), at.plusSeconds(5));

        Conversation conversation = store.find("c-1").orElseThrow();

        assertThat(conversation.title()).isEqualTo("What is 2+2?");
        assertThat(conversation.owner()).isEqualTo("key:alice");
        assertThat(conversation.turns()).extracting(Conversation.Turn::answer).containsExactly("4", "12");
        assertThat(conversation
                        .turns()
                        .getFirst()
                        .steps()
                        .getFirst()
                        .result()
                        .get("result")
                        .asString())
                .isEqualTo("4");
        assertThat(conversation.updatedAt()).isEqualTo(at.plusSeconds(5));
        assertThat(conversation.history(2)).hasSize(2);
    }

    @Test
    void listingShowsOnlyTheOwnersConversationsNewestFirst() {
        Instant at = Instant.parse("2026-02-01T00:00:00Z");
        store.append("c-old", "key:bob", "first", "a", List.of(), at);
        store.append("c-new", "key:bob", "second", "b", List.of(), at.plusSeconds(60));
        store.append("c-carol", "key:carol", "hers", "c", List.of(), at);

        assertThat(store.list("key:bob", 10))
                .extracting(Conversation.Summary::id)
                .containsExactly("c-new", "c-old");
        assertThat(store.find("c-missing")).isEmpty();
    }
}
