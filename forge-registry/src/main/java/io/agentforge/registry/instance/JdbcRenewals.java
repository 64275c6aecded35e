package io.agentforge.registry.instance;

import io.agentforge.registry.api.Lease;
import io.agentforge.registry.web.DatabaseFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Renewals {@link JdbcInstanceStore} has acknowledged but not yet written: one pending renewal time per instance,
 * written in one batch update by {@link #flush()}.
 */
final class JdbcRenewals {

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> pending = new ConcurrentHashMap<>();
    // The start of the first flush that has not yet succeeded (null while writes get through): a flush that hangs
    // counts from its start, before it fails.
    private volatile Instant unwrittenSince;
    // Whether every flush that failed since unwrittenSince failed only because the pool had no free connection.
    private volatile boolean onlyPoolBusy;

    JdbcRenewals(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    void acknowledge(String instanceId, Instant at) {
        pending.merge(instanceId, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    boolean isPending(String instanceId) {
        return pending.containsKey(instanceId);
    }

    void forget(String instanceId) {
        pending.remove(instanceId);
    }

    int size() {
        return pending.size();
    }

    // A renewal acknowledged but not yet flushed is the truth for this replica's readers.
    Lease withPending(Lease lease) {
        Instant renewed = pending.get(lease.instanceId());
        if (renewed == null || !renewed.isAfter(lease.lastRenewal())) {
            return lease;
        }
        return new Lease(lease.instanceId(), lease.leaseDuration(), renewed, renewed.plus(lease.leaseDuration()));
    }

    /** How long acknowledged renewals have been waiting for a write that does not get through; zero while it does. */
    Duration unwrittenFor() {
        Instant since = unwrittenSince;
        return since == null ? Duration.ZERO : Duration.between(since, clock.instant());
    }

    /** Records why a flush failed. */
    void failed(Throwable failure) {
        if (!DatabaseFailures.poolBusy(failure)) {
            onlyPoolBusy = false;
        }
    }

    /** Whether renewals are unwritten and only because the pool had no free connection for the flush. */
    boolean unwrittenOnlyForABusyPool() {
        return unwrittenSince != null && onlyPoolBusy;
    }

    /** Writes the renewals acknowledged since the last flush; returns how many rows it updated. */
    int flush() {
        if (pending.isEmpty()) {
            unwrittenSince = null;
            return 0;
        }
        if (unwrittenSince == null) {
            onlyPoolBusy = true;
            unwrittenSince = clock.instant();
        }
        Map<String, Instant> batch = new HashMap<>(pending);
        List<String> ids = new ArrayList<>(batch.size());
        List<Long> micros = new ArrayList<>(batch.size());
        batch.forEach((id, at) -> {
            ids.add(id);
            micros.add(ChronoUnit.MICROS.between(Instant.EPOCH, at));
        });
        int updated = jdbc.update(
                """
                update instances i
                set last_renewal = v.renewed, expires_at = v.renewed + i.lease_ms * interval '1 millisecond'
                from (select id, timestamptz 'epoch' + us * interval '1 microsecond' as renewed
                      from unnest(?::text[], ?::bigint[]) as t(id, us)) v
                where i.instance_id = v.id and v.renewed > i.last_renewal
                """,
                ids.toArray(String[]::new),
                micros.stream().mapToLong(Long::longValue).toArray());
        batch.forEach(pending::remove);
        unwrittenSince = null;
        return updated;
    }
}
