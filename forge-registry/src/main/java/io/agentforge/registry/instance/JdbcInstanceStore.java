package io.agentforge.registry.instance;

import static io.agentforge.registry.instance.JdbcValues.instant;
import static io.agentforge.registry.instance.JdbcValues.micros;
import static io.agentforge.registry.instance.JdbcValues.textArray;
import static io.agentforge.registry.instance.JdbcValues.toInstant;
import static io.agentforge.registry.instance.JdbcValues.utc;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceRegistration;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * PostgreSQL store shared by any number of registry replicas.
 *
 * <ul>
 * <li>Every write that appends an event holds one transaction-scoped advisory lock, so event ids commit in order
 *     and a poller reading {@code id > cursor} never skips one. The same lock makes the function-name check atomic.
 * <li>Registrations, deregistrations and status changes are group-committed by one writer per replica
 *     ({@link JdbcGroupCommit}): many per transaction under that lock, each answered once its batch committed.
 * <li>Renewals are acknowledged from a per-replica cache of known instances (the ones it does not know yet are read
 *     together with every other miss of that moment, {@link BatchedLookup}) and written in batches every
 *     {@code flushInterval}; {@link #renewalLag()} tells the sweeper to wait that much longer before expiring.
 *     Renewals are refused once they could not be written for a sixth of the lease, unless only the pool was busy
 *     while the database answered (then up to a third).
 * <li>Other replicas' writes are announced with {@code NOTIFY agentforge_events}.
 * </ul>
 */
public final class JdbcInstanceStore implements InstanceStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JdbcInstanceStore.class);
    private static final long WRITE_LOCK = 0x4167466f72676531L;
    // Registrations, deregistrations and status changes committed together (see JdbcGroupCommit). Each write is
    // a subtransaction (its savepoint); PostgreSQL caches 64 per transaction, beyond that every other session's
    // snapshot checks get slower while the batch is open.
    static final int MAX_BATCH = 64;
    // Instances this replica did not know, read in one query (see BatchedLookup).
    static final int MAX_LOOKUP_BATCH = 500;
    // Hikari's connection timeout as the registry sets it (AGENTFORGE_DATABASE_CONNECT_TIMEOUT_MS).
    public static final Duration DEFAULT_QUEUE_WAIT = Duration.ofSeconds(3);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper mapper;
    private final Duration flushInterval;
    private final JdbcNameOwnership names;
    private final JdbcChangeLog changeLog;
    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    // Counts every change made to `known` other than by load(), which must not cache rows read before one of them.
    private final AtomicLong cacheChanges = new AtomicLong();
    private final JdbcRenewals renewals;
    private final ScheduledExecutorService flusher;
    private final JdbcGroupCommit writes;
    private final BatchedLookup<String, Known> unknown;
    private final Clock clock;
    // When this replica last had an answer from the database (a committed write, a written flush, a read).
    private volatile Instant lastAnswer = Instant.MIN;

    public JdbcInstanceStore(DataSource dataSource, JsonMapper mapper, Duration flushInterval, int eventRetention) {
        this(dataSource, mapper, flushInterval, eventRetention, Clock.systemUTC());
    }

    public JdbcInstanceStore(
            DataSource dataSource, JsonMapper mapper, Duration flushInterval, int eventRetention, Clock clock) {
        this(dataSource, mapper, flushInterval, eventRetention, DEFAULT_QUEUE_WAIT, clock);
    }

    /**
     * @param queueWait longest a registration or a lookup of an instance waits for the database to take it, behind
     *                  the batch under way, before it is answered 503: the registry uses the pool's connection
     *                  timeout, the longest a request waits for a connection
     */
    public JdbcInstanceStore(
            DataSource dataSource,
            JsonMapper mapper,
            Duration flushInterval,
            int eventRetention,
            Duration queueWait,
            Clock clock) {
        this.clock = clock;
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.mapper = mapper;
        this.flushInterval = flushInterval;
        this.names = new JdbcNameOwnership(jdbc);
        this.changeLog = new JdbcChangeLog(dataSource, jdbc, mapper, eventRetention);
        this.renewals = new JdbcRenewals(jdbc, clock);
        this.flusher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("renewal-flusher").factory());
        long intervalMs = Math.max(1, flushInterval.toMillis());
        flusher.scheduleWithFixedDelay(this::flushSafely, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        flusher.scheduleWithFixedDelay(changeLog::pruneSafely, 10, 10, TimeUnit.SECONDS);
        this.writes = new JdbcGroupCommit(tx, jdbc, this::lock, MAX_BATCH, queueWait, this::answered);
        this.unknown = new BatchedLookup<>("instance-lookup", MAX_LOOKUP_BATCH, queueWait, this::load);
        changeLog.startListening();
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public Registered register(ServiceRegistration registration, Registrant registrant, Instant at) {
        Instant now = micros(at);
        String id = registration.instanceId();
        String ownerKeyId = registrant.keyId();
        Registered registered = writes.write(() -> {
            names.claim(registration, registrant, now);
            Instant expiresAt = now.plus(registration.leaseDuration());
            // One statement for the new row or the update: an update keeps the status and the first registration
            // time (not in the set list), which the returned row carries; xmax = 0 tells an inserted row.
            Map<String, Object> row = jdbc.queryForMap(
                    """
                    insert into instances (instance_id, service, kind, protocol, owner_key_id, registration, status,
                        lease_ms, registered_at, last_renewal, expires_at)
                    values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)
                    on conflict (instance_id) do update set service = excluded.service, kind = excluded.kind,
                        protocol = excluded.protocol, owner_key_id = excluded.owner_key_id, registration = excluded.registration,
                        lease_ms = excluded.lease_ms, last_renewal = excluded.last_renewal,
                        expires_at = excluded.expires_at
                    returning status, registered_at, xmax = 0 as created
                    """,
                    id,
                    registration.name(),
                    registration.kind().name(),
                    registration.protocol().wire(),
                    ownerKeyId,
                    mapper.writeValueAsString(registration),
                    InstanceStatus.UP.name(),
                    registration.leaseDuration().toMillis(),
                    utc(now),
                    utc(now),
                    utc(expiresAt));
            boolean created = Boolean.TRUE.equals(row.get("created"));
            InstanceStatus status = InstanceStatus.valueOf((String) row.get("status"));
            Instant registeredAt = toInstant(row.get("registered_at"));
            if (!created) {
                jdbc.update("delete from instance_functions where instance_id = ?", id);
            }
            jdbc.batchUpdate(
                    "insert into instance_functions (instance_id, function_name) values (?, ?)",
                    registration.functions().stream()
                            .map(FunctionDescriptor::name)
                            .map(name -> new Object[] {id, name})
                            .toList());
            Instance instance = Instance.of(registration, status, registeredAt, now, expiresAt);
            changeLog.append(created ? ChangeType.REGISTERED : ChangeType.UPDATED, now, instance, null);
            return new Registered(instance, created);
        });
        renewals.forget(id);
        cacheChanges.incrementAndGet();
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
        Duration lease = instance.get().leaseDuration();
        Duration unwritten = renewals.unwrittenFor();
        if (unwritten.compareTo(memoryRenewalLimit(lease)) > 0 && !onlyBusy(lease, unwritten)) {
            // Cut off from the database, maybe alone: replicas that still reach it would expire this instance while
            // this one said yes. Refused (503), the service renews through another replica, or after the outage.
            throw new DataAccessResourceFailureException(
                    "Renewals have not been written to the database for " + unwritten.toMillis() + " ms");
        }
        renewals.acknowledge(instanceId, now);
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
        return names.ownerOf(service);
    }

    @Override
    public OwnerRelease releaseOwner(String service) {
        return inWriteLock(() -> names.release(service));
    }

    @Override
    public void keyRevoked(String keyId, Instant at) {
        Instant now = micros(at);
        inWriteLock(() -> {
            changeLog.append(ChangeType.KEY_REVOKED, now, null, keyId);
            return null;
        });
    }

    @Override
    public Optional<StoredInstance> deregister(String instanceId, Instant at) {
        Instant now = micros(at);
        Optional<StoredInstance> removed = writes.write(() -> {
            List<StoredInstance> rows =
                    jdbc.query("delete from instances where instance_id = ? returning *", this::stored, instanceId);
            rows.forEach(row -> changeLog.append(ChangeType.DEREGISTERED, now, row.instance(), null));
            return rows.stream().findFirst();
        });
        forget(instanceId);
        return removed;
    }

    @Override
    public boolean changeStatus(String instanceId, InstanceStatus status, Instant at) {
        Instant now = micros(at);
        return writes.write(() -> {
            List<StoredInstance> rows = jdbc.query("""
                    update instances set status = ? where instance_id = ? and status <> ? returning *
                    """, this::stored, status.name(), instanceId, status.name());
            rows.forEach(row -> changeLog.append(ChangeType.STATUS_CHANGED, now, row.instance(), null));
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
        jdbc.query(
                "select instance_id, lease_ms, last_renewal, expires_at from instances where instance_id = any(?)",
                rs -> {
                    String id = rs.getString("instance_id");
                    Duration lease = Duration.ofMillis(rs.getLong("lease_ms"));
                    leases.put(
                            id,
                            renewals.withPending(
                                    new Lease(id, lease, instant(rs, "last_renewal"), instant(rs, "expires_at"))));
                },
                (Object) textArray(instanceIds));
        return leases;
    }

    @Override
    public long count() {
        return jdbc.queryForObject("select count(*) from instances", Long.class);
    }

    @Override
    public List<String> expiredBefore(Instant cutoff) {
        return jdbc
                .queryForList("select instance_id from instances where expires_at < ?", String.class, utc(cutoff))
                .stream()
                .filter(id -> !renewals.isPending(id))
                .toList();
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
            rows.forEach(row -> changeLog.append(ChangeType.EXPIRED, now, row.instance(), null));
            return rows;
        });
        expired.forEach(s -> forget(s.instance().instanceId()));
        return expired;
    }

    @Override
    public List<ChangeEvent> eventsAfter(long afterId, int limit) {
        List<ChangeEvent> events = changeLog.after(afterId, limit);
        // Events written by other replicas invalidate what this replica cached about those instances; its own
        // writes already updated the cache, so renewals of what it registered need no database (nor one that is up).
        for (ChangeEvent event : events) {
            boolean own = changeLog.writtenHere(event.id());
            if (!own && event.instance() != null && event.type() != ChangeType.STATUS_CHANGED) {
                cacheChanges.incrementAndGet();
                known.remove(event.instance().instanceId());
            }
            changeLog.seen(event.id());
        }
        return events;
    }

    @Override
    public long lastEventId() {
        return changeLog.lastEventId();
    }

    @Override
    public long oldestEventId() {
        return changeLog.oldestEventId();
    }

    @Override
    public Duration renewalLag() {
        return flushInterval.multipliedBy(2);
    }

    @Override
    public void onExternalChange(Runnable listener) {
        changeLog.onExternalChange(listener);
    }

    @Override
    public void onLocalChange(Runnable listener) {
        changeLog.onLocalChange(listener);
    }

    /** Transactions that committed registrations, deregistrations and status changes. */
    int writeCommits() {
        return writes.commits();
    }

    /** Registrations, deregistrations and status changes submitted and not yet answered. */
    int writesWaiting() {
        return writes.waiting();
    }

    /** Queries that read instances this replica did not know. */
    long lookupQueries() {
        return unknown.queries();
    }

    /** Reads of instances this replica did not know, asked for and not yet answered. */
    int lookupsWaiting() {
        return unknown.waiting();
    }

    /** Writes the renewals acknowledged since the last flush; returns how many rows it updated. */
    public int flush() {
        try {
            int written = renewals.flush();
            answered();
            return written;
        } catch (RuntimeException e) {
            renewals.failed(e);
            throw e;
        }
    }

    /**
     * How long a renewal is acknowledged from memory while renewals can't be written: a sixth of the lease (at least
     * 1 s), so a service whose renewals are then refused has time to renew through another replica before its
     * stored lease runs out.
     */
    static Duration memoryRenewalLimit(Duration lease) {
        Duration sixth = lease.dividedBy(6);
        return sixth.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : sixth;
    }

    /**
     * Whether renewals are unwritten only because the pool had no free connection for the flush while the database
     * answered this replica within the limit: a busy pool, not an outage, so renewals are still acknowledged, but at
     * most for a third of the lease: the service then still has two thirds of it to renew through another replica
     * before the replicas that read the stored lease would expire it.
     */
    private boolean onlyBusy(Duration lease, Duration unwritten) {
        return renewals.unwrittenOnlyForABusyPool()
                && unwritten.compareTo(lease.dividedBy(3)) <= 0
                && Duration.between(lastAnswer, clock.instant()).compareTo(memoryRenewalLimit(lease)) <= 0;
    }

    private void answered() {
        lastAnswer = clock.instant();
    }

    private void flushSafely() {
        boolean failing = !renewals.unwrittenFor().isZero();
        try {
            flush();
            if (failing) {
                log.info("Batched renewals are written again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("Writing {} batched renewals failed; retrying", renewals.size(), e);
            }
        }
    }

    private Optional<Known> known(String instanceId) {
        Known cached = known.get(instanceId);
        if (cached != null) {
            return Optional.of(cached);
        }
        return unknown.get(instanceId);
    }

    // The instances of ids this replica did not know, for BatchedLookup: one query for every miss waiting. What it
    // read is cached unless the cache was changed meanwhile (a deregistration, another replica's write): then a row
    // read before that change could overwrite it, so nothing is kept and the next renewal reads again.
    private Map<String, Known> load(List<String> instanceIds) {
        long changesBefore = cacheChanges.get();
        Map<String, Known> found = new HashMap<>();
        jdbc.query(
                "select instance_id, owner_key_id, lease_ms from instances where instance_id = any(?)",
                rs -> {
                    found.put(
                            rs.getString("instance_id"),
                            new Known(rs.getString("owner_key_id"), Duration.ofMillis(rs.getLong("lease_ms"))));
                },
                (Object) textArray(instanceIds));
        answered();
        known.putAll(found);
        if (cacheChanges.get() != changesBefore) {
            found.keySet().forEach(known::remove);
        }
        return found;
    }

    private void forget(String instanceId) {
        cacheChanges.incrementAndGet();
        known.remove(instanceId);
        renewals.forget(instanceId);
    }

    // The rare writes (expiry, owner release, key revocation) take the lock in a transaction of their own.
    private <T> T inWriteLock(Supplier<T> work) {
        return tx.execute(status -> {
            lock();
            return work.get();
        });
    }

    private void lock() {
        jdbc.execute("select pg_advisory_xact_lock(" + WRITE_LOCK + ")");
    }

    private StoredInstance stored(ResultSet rs, int row) throws SQLException {
        ServiceRegistration registration = mapper.readValue(rs.getString("registration"), ServiceRegistration.class);
        Lease lease = renewals.withPending(new Lease(
                registration.instanceId(),
                registration.leaseDuration(),
                instant(rs, "last_renewal"),
                instant(rs, "expires_at")));
        Instance instance = Instance.of(
                registration,
                InstanceStatus.valueOf(rs.getString("status")),
                instant(rs, "registered_at"),
                lease.lastRenewal(),
                lease.expiresAt());
        return new StoredInstance(instance, rs.getString("owner_key_id"));
    }

    @Override
    public void close() {
        writes.close();
        unknown.close();
        changeLog.close();
        flushSafely();
        flusher.shutdownNow();
    }

    private record Known(String owner, Duration leaseDuration) {}
}
