package io.agentforge.registry.instance;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * PostgreSQL store shared by any number of registry replicas.
 *
 * <ul>
 * <li>Every write that appends an event holds one transaction-scoped advisory lock, so event ids commit in order
 *     and a poller reading {@code id > cursor} never skips one. The same lock makes the function-name check atomic.
 * <li>Renewals are acknowledged from a per-replica cache of known instances and written in batches every
 *     {@code flushInterval}; {@link #renewalLag()} tells the sweeper to wait that much longer before expiring.
 * <li>Other replicas' writes are announced with {@code NOTIFY agentforge_events}.
 * </ul>
 */
public final class JdbcInstanceStore implements InstanceStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcInstanceStore.class);
    private static final long WRITE_LOCK = 0x4167466f72676531L;
    private static final String CHANNEL = "agentforge_events";

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper mapper;
    private final Duration flushInterval;
    private final int eventRetention;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> pendingRenewals = new ConcurrentHashMap<>();
    private final AtomicLong lastEventId = new AtomicLong();
    private final ScheduledExecutorService flusher;
    private volatile Runnable externalChangeListener = () -> { };
    private volatile boolean closed;
    private final Thread notificationListener;

    public JdbcInstanceStore(DataSource dataSource, JsonMapper mapper, Duration flushInterval, int eventRetention) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.mapper = mapper;
        this.flushInterval = flushInterval;
        this.eventRetention = eventRetention;
        this.lastEventId.set(jdbc.queryForObject("select coalesce(max(id), 0) from change_events", Long.class));
        this.flusher = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("renewal-flusher").factory());
        long intervalMs = Math.max(1, flushInterval.toMillis());
        flusher.scheduleWithFixedDelay(this::flushSafely, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        flusher.scheduleWithFixedDelay(this::pruneSafely, 10, 10, TimeUnit.SECONDS);
        this.notificationListener = Thread.ofPlatform().daemon().name("pg-listen").start(this::listen);
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public Registered register(ServiceRegistration registration, Registrant registrant, Instant at) {
        Instant now = micros(at);
        String id = registration.instanceId();
        String service = registration.name();
        String ownerKeyId = registrant.keyId();
        Registered registered = inWriteLock(() -> {
            Optional<ServiceOwner> owner = jdbc.query("select * from service_owners where service = ? for update",
                    JdbcInstanceStore::owner, service).stream().findFirst();
            if (owner.isPresent()) {
                if (!registrant.admin() && !Objects.equals(owner.get().keyId(), ownerKeyId)) {
                    throw new NameOwnedException(service);
                }
                if (owner.get().kind() != registration.kind()) {
                    throw new KindConflictException(service, owner.get().kind(), registration.kind());
                }
            }
            List<String> names = registration.functions().stream().map(FunctionDescriptor::name).toList();
            if (!names.isEmpty()) {
                // Owned function names, and (for instances registered before names were owned) live ones.
                List<Map<String, Object>> conflicts = jdbc.queryForList("""
                        select function_name, service from function_owners
                        where function_name = any(?) and service <> ?
                        union all
                        select f.function_name, i.service from instance_functions f
                        join instances i on i.instance_id = f.instance_id
                        where f.function_name = any(?) and i.service <> ?
                        limit 1
                        """, textArray(names), service, textArray(names), service);
                if (!conflicts.isEmpty()) {
                    throw new FunctionConflictException((String) conflicts.getFirst().get("function_name"),
                            (String) conflicts.getFirst().get("service"));
                }
            }
            if (!registrant.admin() && ownerKeyId != null) {
                Long held = jdbc.queryForObject(
                        "select count(*) from instances where owner_key_id = ? and instance_id <> ?", Long.class,
                        ownerKeyId, id);
                if (held != null && held >= registrant.maxInstances()) {
                    throw new InstanceLimitException(registrant.maxInstances());
                }
            }
            if (owner.isEmpty()) {
                jdbc.update("insert into service_owners (service, kind, owner_key_id, claimed_at) values (?, ?, ?, ?)",
                        service, registration.kind().name(), ownerKeyId, utc(now));
            }
            if (!names.isEmpty()) {
                jdbc.update("""
                        insert into function_owners (function_name, service) select name, ? from unnest(?::text[]) name
                        on conflict (function_name) do nothing
                        """, service, textArray(names));
            }
            List<Map<String, Object>> previous = jdbc.queryForList(
                    "select status, registered_at from instances where instance_id = ? for update", id);
            InstanceStatus status = previous.isEmpty() ? InstanceStatus.UP
                    : InstanceStatus.valueOf((String) previous.getFirst().get("status"));
            Instant registeredAt = previous.isEmpty() ? now : toInstant(previous.getFirst().get("registered_at"));
            Instant expiresAt = now.plus(registration.leaseDuration());
            jdbc.update("""
                    insert into instances (instance_id, service, kind, owner_key_id, registration, status, lease_ms,
                        registered_at, last_renewal, expires_at)
                    values (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                    on conflict (instance_id) do update set service = excluded.service, kind = excluded.kind,
                        owner_key_id = excluded.owner_key_id, registration = excluded.registration,
                        lease_ms = excluded.lease_ms, last_renewal = excluded.last_renewal,
                        expires_at = excluded.expires_at
                    """, id, registration.name(), registration.kind().name(), ownerKeyId,
                    mapper.writeValueAsString(registration), status.name(), registration.leaseDuration().toMillis(),
                    utc(registeredAt), utc(now), utc(expiresAt));
            jdbc.update("delete from instance_functions where instance_id = ?", id);
            jdbc.batchUpdate("insert into instance_functions (instance_id, function_name) values (?, ?)",
                    names.stream().map(name -> new Object[] {id, name}).toList());
            Instance instance = Instance.of(registration, status, registeredAt, now, expiresAt);
            appendEvent(previous.isEmpty() ? ChangeType.REGISTERED : ChangeType.UPDATED, now, instance, null);
            return new Registered(instance, previous.isEmpty());
        });
        pendingRenewals.remove(id);
        known.put(id, new Known(ownerKeyId, registration.leaseDuration()));
        return registered;
    }

    @Override
    public Optional<Lease> renew(String instanceId, Instant at) {
        Instant now = micros(at);
        Optional<Known> instance = known(instanceId);
        if (instance.isEmpty()) {
            return Optional.empty();
        }
        pendingRenewals.merge(instanceId, now, (a, b) -> a.isAfter(b) ? a : b);
        Duration lease = instance.get().leaseDuration();
        return Optional.of(new Lease(instanceId, lease, now, now.plus(lease)));
    }

    @Override
    public Optional<StoredInstance> find(String instanceId) {
        return jdbc.query("select * from instances where instance_id = ?", this::stored, instanceId).stream()
                .findFirst();
    }

    @Override
    public Optional<String> ownerOf(String instanceId) {
        return known(instanceId).map(k -> k.owner() == null ? "" : k.owner());
    }

    @Override
    public Optional<ServiceOwner> ownerOfService(String service) {
        return jdbc.query("select * from service_owners where service = ?", JdbcInstanceStore::owner, service)
                .stream().findFirst();
    }

    @Override
    public OwnerRelease releaseOwner(String service) {
        return inWriteLock(() -> {
            if (jdbc.queryForList("select service from service_owners where service = ? for update", String.class,
                    service).isEmpty()) {
                return OwnerRelease.NOT_OWNED;
            }
            Boolean live = jdbc.queryForObject("select exists (select 1 from instances where service = ?)",
                    Boolean.class, service);
            if (Boolean.TRUE.equals(live)) {
                return OwnerRelease.IN_USE;
            }
            // function_owners rows go with it (on delete cascade).
            jdbc.update("delete from service_owners where service = ?", service);
            return OwnerRelease.RELEASED;
        });
    }

    @Override
    public void keyRevoked(String keyId, Instant at) {
        Instant now = micros(at);
        inWriteLock(() -> {
            appendEvent(ChangeType.KEY_REVOKED, now, null, keyId);
            return null;
        });
    }

    private static ServiceOwner owner(ResultSet rs, int row) throws SQLException {
        return new ServiceOwner(rs.getString("service"), ServiceKind.valueOf(rs.getString("kind")),
                rs.getString("owner_key_id"), instant(rs, "claimed_at"));
    }

    @Override
    public Optional<StoredInstance> deregister(String instanceId, Instant at) {
        Instant now = micros(at);
        Optional<StoredInstance> removed = inWriteLock(() -> {
            List<StoredInstance> rows = jdbc.query("delete from instances where instance_id = ? returning *",
                    this::stored, instanceId);
            rows.forEach(row -> appendEvent(ChangeType.DEREGISTERED, now, row.instance(), null));
            return rows.stream().findFirst();
        });
        forget(instanceId);
        return removed;
    }

    @Override
    public boolean changeStatus(String instanceId, InstanceStatus status, Instant at) {
        Instant now = micros(at);
        return inWriteLock(() -> {
            List<StoredInstance> rows = jdbc.query("""
                    update instances set status = ? where instance_id = ? and status <> ? returning *
                    """, this::stored, status.name(), instanceId, status.name());
            rows.forEach(row -> appendEvent(ChangeType.STATUS_CHANGED, now, row.instance(), null));
            return !rows.isEmpty();
        });
    }

    @Override
    public List<StoredInstance> all() {
        return jdbc.query("select * from instances", this::stored);
    }

    @Override
    public Map<String, Lease> leases(Collection<String> instanceIds) {
        Map<String, Lease> leases = new HashMap<>();
        jdbc.query("select instance_id, lease_ms, last_renewal, expires_at from instances where instance_id = any(?)",
                rs -> {
                    String id = rs.getString("instance_id");
                    Duration lease = Duration.ofMillis(rs.getLong("lease_ms"));
                    leases.put(id, withPending(new Lease(id, lease, instant(rs, "last_renewal"),
                            instant(rs, "expires_at"))));
                }, (Object) textArray(instanceIds));
        return leases;
    }

    @Override
    public long count() {
        return jdbc.queryForObject("select count(*) from instances", Long.class);
    }

    @Override
    public List<String> expiredBefore(Instant cutoff) {
        return jdbc.queryForList("select instance_id from instances where expires_at < ?", String.class, utc(cutoff))
                .stream().filter(id -> !pendingRenewals.containsKey(id)).toList();
    }

    @Override
    public List<StoredInstance> expire(Collection<String> instanceIds, Instant cutoff, Instant at) {
        if (instanceIds.isEmpty()) {
            return List.of();
        }
        Instant now = micros(at);
        List<StoredInstance> expired = inWriteLock(() -> {
            List<StoredInstance> rows = jdbc.query("""
                    delete from instances where instance_id = any(?) and expires_at < ? returning *
                    """, this::stored, textArray(instanceIds), utc(cutoff));
            rows.forEach(row -> appendEvent(ChangeType.EXPIRED, now, row.instance(), null));
            return rows;
        });
        expired.forEach(s -> forget(s.instance().instanceId()));
        return expired;
    }

    @Override
    public List<ChangeEvent> eventsAfter(long afterId, int limit) {
        List<ChangeEvent> events = jdbc.query("select * from change_events where id > ? order by id limit ?",
                (rs, n) -> {
                    String instance = rs.getString("instance");
                    return new ChangeEvent(rs.getLong("id"), ChangeType.fromWire(rs.getString("type")),
                            instant(rs, "at"), instance == null ? null : mapper.readValue(instance, Instance.class),
                            rs.getString("key_id"));
                }, afterId, limit);
        // Events written by other replicas invalidate what this replica cached about those instances.
        for (ChangeEvent event : events) {
            if (event.instance() != null && event.type() != ChangeType.STATUS_CHANGED) {
                known.remove(event.instance().instanceId());
            }
            lastEventId.accumulateAndGet(event.id(), Math::max);
        }
        return events;
    }

    @Override
    public long lastEventId() {
        return lastEventId.get();
    }

    @Override
    public long oldestEventId() {
        Long oldest = jdbc.queryForObject("select min(id) from change_events", Long.class);
        return oldest == null ? lastEventId() + 1 : oldest;
    }

    @Override
    public Duration renewalLag() {
        return flushInterval.multipliedBy(2);
    }

    @Override
    public void onExternalChange(Runnable listener) {
        this.externalChangeListener = listener;
    }

    /** Writes the renewals acknowledged since the last flush; returns how many rows it updated. */
    public int flush() {
        if (pendingRenewals.isEmpty()) {
            return 0;
        }
        Map<String, Instant> batch = new HashMap<>(pendingRenewals);
        List<String> ids = new ArrayList<>(batch.size());
        List<Long> micros = new ArrayList<>(batch.size());
        batch.forEach((id, at) -> {
            ids.add(id);
            micros.add(ChronoUnit.MICROS.between(Instant.EPOCH, at));
        });
        int updated = jdbc.update("""
                update instances i
                set last_renewal = v.renewed, expires_at = v.renewed + i.lease_ms * interval '1 millisecond'
                from (select id, timestamptz 'epoch' + us * interval '1 microsecond' as renewed
                      from unnest(?::text[], ?::bigint[]) as t(id, us)) v
                where i.instance_id = v.id and v.renewed > i.last_renewal
                """, ids.toArray(String[]::new), micros.stream().mapToLong(Long::longValue).toArray());
        batch.forEach(pendingRenewals::remove);
        return updated;
    }

    private void flushSafely() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("Writing {} batched renewals failed; retrying", pendingRenewals.size(), e);
        }
    }

    private void pruneSafely() {
        try {
            jdbc.update("delete from change_events where id <= ?", lastEventId() - eventRetention);
        } catch (RuntimeException e) {
            log.warn("Pruning the change feed failed", e);
        }
    }

    private void listen() {
        while (!closed) {
            try (Connection connection = dataSource.getConnection()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closed) {
                    PGNotification[] notifications = pg.getNotifications(1000);
                    if (notifications != null && notifications.length > 0) {
                        externalChangeListener.run();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                log.warn("Listening for registry changes failed ({}); reconnecting", e.toString());
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private Optional<Known> known(String instanceId) {
        Known cached = known.get(instanceId);
        if (cached != null) {
            return Optional.of(cached);
        }
        List<Known> rows = jdbc.query("select owner_key_id, lease_ms from instances where instance_id = ?",
                (rs, n) -> new Known(rs.getString("owner_key_id"), Duration.ofMillis(rs.getLong("lease_ms"))),
                instanceId);
        rows.stream().findFirst().ifPresent(k -> known.put(instanceId, k));
        return rows.stream().findFirst();
    }

    private void forget(String instanceId) {
        known.remove(instanceId);
        pendingRenewals.remove(instanceId);
    }

    private <T> T inWriteLock(Supplier<T> work) {
        return tx.execute(status -> {
            jdbc.execute("select pg_advisory_xact_lock(" + WRITE_LOCK + ")");
            return work.get();
        });
    }

    private void appendEvent(ChangeType type, Instant at, Instance instance, String keyId) {
        Long id = jdbc.queryForObject("insert into change_events (type, at, instance, key_id) values (?, ?, ?::jsonb,"
                + " ?) returning id", Long.class, type.wireName(), utc(at),
                instance == null ? null : mapper.writeValueAsString(instance), keyId);
        jdbc.execute("select pg_notify('" + CHANNEL + "', '" + id + "')");
        // Readers of this replica may see the event only once it is committed.
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                lastEventId.accumulateAndGet(id, Math::max);
            }
        });
    }

    private StoredInstance stored(ResultSet rs, int row) throws SQLException {
        ServiceRegistration registration = mapper.readValue(rs.getString("registration"), ServiceRegistration.class);
        Lease lease = withPending(new Lease(registration.instanceId(), registration.leaseDuration(),
                instant(rs, "last_renewal"), instant(rs, "expires_at")));
        Instance instance = Instance.of(registration, InstanceStatus.valueOf(rs.getString("status")),
                instant(rs, "registered_at"), lease.lastRenewal(), lease.expiresAt());
        return new StoredInstance(instance, rs.getString("owner_key_id"));
    }

    // A renewal acknowledged but not yet flushed is the truth for this replica's readers.
    private Lease withPending(Lease lease) {
        Instant pending = pendingRenewals.get(lease.instanceId());
        if (pending == null || !pending.isAfter(lease.lastRenewal())) {
            return lease;
        }
        return new Lease(lease.instanceId(), lease.leaseDuration(), pending, pending.plus(lease.leaseDuration()));
    }

    private static String[] textArray(Collection<String> values) {
        return values.toArray(String[]::new);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    private static Instant toInstant(Object value) {
        if (value instanceof OffsetDateTime odt) {
            return odt.toInstant();
        }
        if (value instanceof java.sql.Timestamp ts) {
            return ts.toInstant();
        }
        throw new IllegalStateException("Unexpected timestamp type " + value.getClass());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant micros(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public void close() {
        closed = true;
        flushSafely();
        flusher.shutdownNow();
        notificationListener.interrupt();
    }

    private record Known(String owner, Duration leaseDuration) {
    }
}
