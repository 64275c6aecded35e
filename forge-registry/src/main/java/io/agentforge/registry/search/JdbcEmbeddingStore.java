package io.agentforge.registry.search;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Embeddings in PostgreSQL's {@code function_embeddings} table as plain {@code real[]} (no extension needed), so
 * they survive restarts and replicas share them instead of each embedding every function again.
 */
public final class JdbcEmbeddingStore implements EmbeddingStore {

    private static final RowMapper<StoredEmbedding> ROW = JdbcEmbeddingStore::row;

    private final JdbcTemplate jdbc;

    public JdbcEmbeddingStore(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    @Override
    public List<StoredEmbedding> loadAll() {
        return jdbc.query("select function, text_hash, vector, updated_at from function_embeddings", ROW);
    }

    @Override
    public Optional<StoredEmbedding> find(String function) {
        return jdbc
                .query(
                        "select function, text_hash, vector, updated_at from function_embeddings where function = ?",
                        ROW,
                        function)
                .stream()
                .findFirst();
    }

    @Override
    public void save(StoredEmbedding embedding) {
        Float[] boxed = new Float[embedding.vector().length];
        for (int i = 0; i < boxed.length; i++) {
            boxed[i] = embedding.vector()[i];
        }
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("""
                    insert into function_embeddings (function, text_hash, vector, updated_at) values (?, ?, ?, ?)
                    on conflict (function) do update set text_hash = excluded.text_hash, vector = excluded.vector,
                        updated_at = excluded.updated_at
                    """);
            statement.setString(1, embedding.function());
            statement.setString(2, embedding.textHash());
            statement.setArray(3, connection.createArrayOf("real", boxed));
            statement.setTimestamp(4, Timestamp.from(embedding.updatedAt()));
            return statement;
        });
    }

    private static StoredEmbedding row(ResultSet rs, int n) throws SQLException {
        Array array = rs.getArray("vector");
        Object[] values = (Object[]) array.getArray();
        float[] vector = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            vector[i] = ((Number) values[i]).floatValue();
        }
        array.free();
        return new StoredEmbedding(
                rs.getString("function"),
                rs.getString("text_hash"),
                vector,
                rs.getObject("updated_at", OffsetDateTime.class).toInstant());
    }
}
