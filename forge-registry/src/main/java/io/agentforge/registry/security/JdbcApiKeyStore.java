package io.agentforge.registry.security;

import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/** Keys in PostgreSQL, so they survive restarts and are shared by every registry replica. */
public final class JdbcApiKeyStore implements ApiKeyStore {

    private static final RowMapper<ApiKey> ROW = (rs, n) -> new ApiKey(
            rs.getString("key_id"),
            rs.getString("name"),
            split(rs.getString("roles")).map(Role::fromWire).collect(Collectors.toSet()),
            split(rs.getString("services")).toList(),
            split(rs.getString("kinds")).map(ServiceKind::valueOf).collect(Collectors.toSet()),
            rs.getString("secret_hash"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            Optional.ofNullable(rs.getObject("revoked_at", OffsetDateTime.class))
                    .map(OffsetDateTime::toInstant)
                    .orElse(null));

    private final JdbcTemplate jdbc;

    public JdbcApiKeyStore(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    @Override
    public void save(ApiKey key) {
        jdbc.update(
                """
                insert into api_keys (key_id, name, roles, services, kinds, secret_hash, created_at, revoked_at)
                values (?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (key_id) do update set name = excluded.name, roles = excluded.roles,
                    services = excluded.services, kinds = excluded.kinds, secret_hash = excluded.secret_hash,
                    created_at = excluded.created_at, revoked_at = excluded.revoked_at
                """,
                key.keyId(),
                key.name(),
                join(key.roles().stream().map(Role::wireName).sorted().toList()),
                join(key.services()),
                join(key.kinds().stream().map(Enum::name).sorted().toList()),
                key.secretHash(),
                utc(key.createdAt()),
                key.revokedAt() == null ? null : utc(key.revokedAt()));
    }

    @Override
    public Optional<ApiKey> find(String keyId) {
        return jdbc.query("select * from api_keys where key_id = ?", ROW, keyId).stream()
                .findFirst();
    }

    @Override
    public List<ApiKey> list() {
        return jdbc.query("select * from api_keys order by created_at, key_id", ROW);
    }

    @Override
    public boolean revoke(String keyId, Instant at) {
        return jdbc.update("update api_keys set revoked_at = ? where key_id = ? and revoked_at is null", utc(at), keyId)
                == 1;
    }

    // Service names, globs, roles and kinds never contain a comma.
    private static String join(Collection<String> values) {
        return String.join(",", values);
    }

    private static Stream<String> split(String joined) {
        return joined == null || joined.isEmpty() ? Stream.empty() : Arrays.stream(joined.split(","));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
