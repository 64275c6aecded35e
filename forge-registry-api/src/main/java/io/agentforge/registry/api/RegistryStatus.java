package io.agentforge.registry.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Health of the registry itself: instance counts, store, uptime and self-preservation. */
public record RegistryStatus(
        String store,
        Instant startedAt,
        Duration uptime,
        long instances,
        Map<ServiceKind, Map<InstanceStatus, Long>> byKindAndStatus,
        long lastEventId,
        SelfPreservation selfPreservation) {

    /**
     * Whether expirations are paused because too many leases would expire at once.
     *
     * @param threshold share of live instances above which expirations pause
     * @param since     when the pause began, null when not active
     */
    public record SelfPreservation(
            boolean enabled,
            boolean active,
            double threshold,
            @Nullable Instant since,
            long lastExpiring,
            long lastLive) {}
}
