package io.agentforge.agent.conversation;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Conversations in PostgreSQL, so several agent replicas can continue one conversation. */
public final class JdbcConversationStore implements ConversationStore {

    private static final TypeReference<List<ToolStep>> STEPS = new TypeReference<>() {};

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final int maxTurns;
    private final int maxPerCaller;

    public JdbcConversationStore(DataSource dataSource, JsonMapper json, ConversationProperties limits) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.json = json;
        this.maxTurns = limits.maxTurns();
        this.maxPerCaller = limits.maxPerCaller();
    }

    @Override
    public Optional<Conversation> find(String id) {
        return jdbc
                .query(
                        "select * from conversations where id = ?",
                        (rs, n) -> new Conversation(
                                rs.getString("id"),
                                rs.getString("owner"),
                                rs.getString("title"),
                                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                                rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                                List.of()),
                        id)
                .stream()
                .findFirst()
                .map(c -> new Conversation(
                        c.id(),
                        c.owner(),
                        c.title(),
                        c.createdAt(),
                        c.updatedAt(),
                        jdbc.query(
                                        "select * from conversation_turns where conversation_id = ? order by seq desc limit ?",
                                        (rs, n) -> new Conversation.Turn(
                                                rs.getString("question"),
                                                rs.getString("answer"),
                                                json.readValue(rs.getString("steps"), STEPS),
                                                rs.getObject("at", OffsetDateTime.class)
                                                        .toInstant()),
                                        id,
                                        maxTurns)
                                .reversed()));
    }

    @Override
    public List<Conversation.Summary> list(String owner, int limit) {
        return jdbc.query(
                """
                select c.*, (select count(*) from conversation_turns t where t.conversation_id = c.id) as turns
                from conversations c where owner = ? order by updated_at desc limit ?
                """,
                (rs, n) -> new Conversation.Summary(
                        rs.getString("id"),
                        rs.getString("title"),
                        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("updated_at", OffsetDateTime.class).toInstant(),
                        rs.getInt("turns")),
                owner,
                limit);
    }

    @Override
    public void append(String id, String owner, String question, String answer, List<ToolStep> steps, Instant at) {
        OffsetDateTime time = at.atOffset(ZoneOffset.UTC);
        tx.executeWithoutResult(status -> {
            // xmax = 0 only for a freshly inserted row: the owner's cap is checked only when a conversation is new.
            Boolean created = jdbc.queryForObject("""
                    insert into conversations (id, owner, title, created_at, updated_at) values (?, ?, ?, ?, ?)
                    on conflict (id) do update set updated_at = excluded.updated_at
                    returning (xmax = 0)
                    """, Boolean.class, id, owner, Titles.of(question), time, time);
            jdbc.update("""
                    insert into conversation_turns (conversation_id, seq, question, answer, steps, at)
                    values (?, (select coalesce(max(seq), 0) + 1 from conversation_turns where conversation_id = ?),
                            ?, ?, ?::jsonb, ?)
                    """, id, id, question, answer, json.writeValueAsString(steps), time);
            if (Boolean.TRUE.equals(created)) {
                // Turns go with their conversation (on delete cascade). Never the one just written, even if another
                // replica's clock makes it look older.
                jdbc.update("""
                        delete from conversations where id in (
                            select id from conversations where owner = ? and id <> ?
                            order by updated_at desc, id offset ?)
                        """, owner, id, maxPerCaller - 1);
            }
        });
    }

    @Override
    public int prune(Instant before) {
        return jdbc.update("delete from conversations where updated_at < ?", before.atOffset(ZoneOffset.UTC));
    }
}
