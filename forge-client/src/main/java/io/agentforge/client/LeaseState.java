package io.agentforge.client;

import io.agentforge.registry.api.Lease;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link LeaseKeeper} knows about its registration.
 *
 * @param instanceId          the instance id (null until the registry assigned one when none was given)
 * @param registered          whether the registry confirmed the registration and the lease, counted from that
 *                            confirmation on the keeper's clock, has not run out since
 * @param lease               the last lease granted, null before the first registration
 * @param lastSuccess         when the registry last confirmed the registration, null before that
 * @param consecutiveFailures failed registration or renewal attempts since the last success
 * @param lastError           why the last attempt failed, null after a success
 */
public record LeaseState(
        @Nullable String instanceId,
        boolean registered,
        @Nullable Lease lease,
        @Nullable Instant lastSuccess,
        int consecutiveFailures,
        @Nullable String lastError) {}
