package io.agentforge.registry.api;

import java.time.Instant;

/**
 * One entry of the registry's change feed.
 *
 * @param id       strictly increasing across the registry (all replicas); resume the feed after it
 * @param instance the instance after the change, as it was before for removals
 */
public record ChangeEvent(long id, ChangeType type, Instant at, Instance instance) {
}
