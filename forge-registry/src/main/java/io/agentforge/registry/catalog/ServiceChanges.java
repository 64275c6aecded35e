package io.agentforge.registry.catalog;

import io.agentforge.registry.api.ChangeEvent;
import java.util.List;

/**
 * Answer of the incremental fetch {@code GET /api/v1/services?since=<eventId>}.
 *
 * @param eventId the id to send as {@code since} next time
 * @param reset   the events after {@code since} are no longer all retained (or {@code since} is from another
 *                registry's history): fetch everything again and continue from its {@code X-Forge-Event-Id}
 * @param more    more events follow; ask again at once with {@code since=eventId}
 * @param changes the events, oldest first, in the change feed's format
 */
public record ServiceChanges(long eventId, boolean reset, boolean more, List<ChangeEvent> changes) {}
