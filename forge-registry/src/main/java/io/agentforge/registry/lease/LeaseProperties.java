package io.agentforge.registry.lease;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param sweepInterval how often expired leases are looked for
 * @param selfPreservation when to pause expirations because too many leases end at once
 * @param outageGrace      after the database was unreachable (postgres store): how long leases that ran out during
 *                         the outage are kept, so their services can renew them once renewals are written again
 */
@ConfigurationProperties("agentforge.registry.lease")
public record LeaseProperties(
        @DefaultValue("1s") Duration sweepInterval,
        @DefaultValue SelfPreservation selfPreservation,
        @DefaultValue("30s") Duration outageGrace) {

    /**
     * @param threshold    pause when more than this share of live instances would expire in one sweep
     * @param minInstances below this many live instances expirations never pause (one lost lease is not an outage)
     * @param maxDuration  the longest a pause lasts: instances that have not renewed by then are taken as gone and
     *                     expire, so a real mass failure does not keep dead endpoints in discovery for ever
     */
    public record SelfPreservation(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("0.5") double threshold,
            @DefaultValue("5") int minInstances,
            @DefaultValue("15m") Duration maxDuration) {}
}
