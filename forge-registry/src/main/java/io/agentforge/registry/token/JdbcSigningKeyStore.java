package io.agentforge.registry.token;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Signing keys in PostgreSQL, shared by every replica. A rotation holds a transaction-scoped advisory lock, so two
 * replicas that find the key due at the same moment make one new key, not two.
 */
public final class JdbcSigningKeyStore implements SigningKeyStore {

    // Distinct from the instance store's write lock.
    private static final long ROTATION_LOCK = 0x5349474e4b455953L;

    private static final RowMapper<SigningKey> ROW = (rs, n) -> SigningKey.deserialize(
            rs.getString("kid"),
            rs.getString("jwk"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            Optional.ofNullable(rs.getObject("retired_at", OffsetDateTime.class))
                    .map(OffsetDateTime::toInstant)
                    .orElse(null));

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public JdbcSigningKeyStore(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @Override
    public List<SigningKey> all() {
        return jdbc.query("select * from signing_keys order by created_at desc, kid", ROW);
    }

    @Override
    public boolean rotateIf(Predicate<SigningKey> due, Supplier<SigningKey> fresh, Instant now) {
        Boolean rotated = tx.execute(status -> {
            jdbc.query("select pg_advisory_xact_lock(?)", rs -> null, ROTATION_LOCK);
            SigningKey active = jdbc
                    .query(
                            "select * from signing_keys where retired_at is null"
                                    + " order by created_at desc, kid limit 1",
                            ROW)
                    .stream()
                    .findFirst()
                    .orElse(null);
            if (!due.test(active)) {
                return false;
            }
            jdbc.update("update signing_keys set retired_at = ? where retired_at is null", utc(now));
            SigningKey key = fresh.get();
            jdbc.update(
                    "insert into signing_keys (kid, jwk, created_at, retired_at) values (?, ?, ?, null)",
                    key.kid(),
                    key.serialized(),
                    utc(key.createdAt()));
            return true;
        });
        return Boolean.TRUE.equals(rotated);
    }

    @Override
    public void deleteRetiredBefore(Instant cutoff) {
        jdbc.update("delete from signing_keys where retired_at is not null and retired_at < ?", utc(cutoff));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
