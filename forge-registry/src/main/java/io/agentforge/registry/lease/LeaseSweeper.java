package io.agentforge.registry.lease;

import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.instance.StoredInstance;
import io.agentforge.registry.web.DatabaseFailures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Expires instances whose lease ended. Like Eureka's self-preservation it pauses when an unusually large share of
 * leases ends at once — more likely a network partition between registry and services than a mass shutdown — and
 * resumes as soon as renewals bring that share back under the threshold.
 *
 * <p>While the database can't be reached nothing expires (the sweep can't read the leases), and a replica refuses
 * renewals it can't write (so services renew through a replica that can). Leases that ran out meanwhile therefore get
 * {@code outage-grace} after the database answers again to be renewed; only leases that had ended before the outage
 * expire during that time.
 */
@Component
public class LeaseSweeper {

    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);

    private final InstanceStore store;
    private final LeaseProperties.SelfPreservation selfPreservation;
    private final Clock clock;
    private final Counter expirations;
    private final Duration outageGrace;
    private volatile RegistryStatus.SelfPreservation state;
    // Guarded by this: the last sweep that read the leases, the start of an outage still going on (else null), and
    // the grace after the last one.
    private Instant lastRead;
    private Instant outageFrom;
    private Instant graceFrom;
    private Instant graceUntil;

    LeaseSweeper(InstanceStore store, LeaseProperties properties, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.selfPreservation = properties.selfPreservation();
        this.outageGrace = properties.outageGrace();
        this.clock = clock;
        this.expirations = Counter.builder("agentforge.registry.expirations")
                .description("Leases expired")
                .register(meters);
        this.state = new RegistryStatus.SelfPreservation(
                selfPreservation.enabled(), false, selfPreservation.threshold(), null, 0, 0);
        // 1 while expirations are paused: what the self-preservation alert watches.
        Gauge.builder("agentforge.registry.self.preservation", this, s -> s.state.active() ? 1 : 0)
                .description("1 while self-preservation holds expirations back, else 0")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${agentforge.registry.lease.sweep-interval:1s}")
    void scheduledSweep() {
        try {
            sweep();
        } catch (RuntimeException e) {
            if (!DatabaseFailures.unreachable(e)) {
                log.warn("Lease sweep failed; retrying at the next interval", e);
            } else if (outageStarted()) {
                log.warn("Lease sweep can't reach the database ({}); nothing expires until it answers", e.toString());
            }
        }
    }

    private synchronized boolean outageStarted() {
        if (outageFrom != null) {
            return false;
        }
        outageFrom = lastRead != null ? lastRead : clock.instant();
        return true;
    }

    /** Runs one sweep now and returns the instances it expired. */
    public synchronized List<StoredInstance> sweep() {
        Instant now = clock.instant();
        Instant cutoff = now.minus(store.renewalLag());
        if (outageFrom != null) {
            // Valid once this sweep reads the leases; if it can't, the next attempt sets it again.
            graceFrom = outageFrom;
            graceUntil = now.plus(outageGrace);
        }
        if (graceUntil != null && now.isBefore(graceUntil) && graceFrom.isBefore(cutoff)) {
            cutoff = graceFrom;
        }
        List<String> expiring = store.expiredBefore(cutoff);
        if (outageFrom != null) {
            log.info(
                    "Database reachable again: leases that ran out since {} have until {} to be renewed",
                    outageFrom,
                    graceUntil);
            outageFrom = null;
        }
        lastRead = now;
        if (expiring.isEmpty()) {
            record(false, now, 0, 0);
            return List.of();
        }
        long live = store.count();
        boolean heldTooLong = state.active()
                && state.since() != null
                && !now.isBefore(state.since().plus(selfPreservation.maxDuration()));
        if (heldTooLong) {
            log.warn(
                    "Self-preservation has held for {}; expiring the {} leases that never came back",
                    selfPreservation.maxDuration(),
                    expiring.size());
        }
        if (!heldTooLong
                && selfPreservation.enabled()
                && live >= selfPreservation.minInstances()
                && expiring.size() > selfPreservation.threshold() * live) {
            if (!state.active()) {
                log.warn(
                        "Self-preservation ON: {} of {} leases would expire at once (threshold {}); expirations"
                                + " paused until renewals recover",
                        expiring.size(),
                        live,
                        selfPreservation.threshold());
            }
            record(true, now, expiring.size(), live);
            return List.of();
        }
        if (state.active() && !heldTooLong) {
            log.info("Self-preservation OFF: {} of {} leases expiring, under the threshold", expiring.size(), live);
        }
        record(false, now, expiring.size(), live);
        List<StoredInstance> expired = store.expire(expiring, cutoff, now);
        expirations.increment(expired.size());
        expired.forEach(s -> log.info(
                "Lease of {} ({}) expired",
                s.instance().instanceId(),
                s.instance().name()));
        return expired;
    }

    public RegistryStatus.SelfPreservation selfPreservation() {
        return state;
    }

    private void record(boolean active, Instant now, long expiring, long live) {
        RegistryStatus.SelfPreservation previous = state;
        Instant since = active ? (previous.active() ? previous.since() : now) : null;
        state = new RegistryStatus.SelfPreservation(
                selfPreservation.enabled(), active, selfPreservation.threshold(), since, expiring, live);
    }
}
