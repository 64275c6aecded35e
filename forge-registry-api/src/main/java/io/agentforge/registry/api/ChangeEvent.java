package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the registry's change feed.
 *
 * @param id       strictly increasing across the registry (all replicas); resume the feed after it
 * @param instance the instance after the change, as it was before for removals; null for {@code key-revoked}
 * @param keyId    the revoked key for {@code key-revoked}, otherwise null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChangeEvent(
        long id,
        ChangeType type,
        Instant at,
        @Nullable Instance instance,
        @Nullable String keyId) {

    /** An event about an instance. */
    public ChangeEvent(long id, ChangeType type, Instant at, Instance instance) {
        this(id, type, at, instance, null);
    }
}
