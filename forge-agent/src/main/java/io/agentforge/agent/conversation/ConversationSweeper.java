package io.agentforge.agent.conversation;

import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;

/** Removes conversations that had no new turn within the retention, on a schedule. */
public final class ConversationSweeper {

    private static final Logger log = LoggerFactory.getLogger(ConversationSweeper.class);

    private final ConversationStore store;
    private final ConversationProperties properties;
    private final Clock clock;

    public ConversationSweeper(ConversationStore store, ConversationProperties properties, Clock clock) {
        this.store = store;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * One sweep.
     *
     * @return how many conversations were removed
     */
    @Scheduled(
            fixedDelayString = "${agentforge.agent.conversations.sweep-interval:1h}",
            initialDelayString = "${agentforge.agent.conversations.sweep-interval:1h}")
    public int sweep() {
        Instant before = clock.instant().minus(properties.retention());
        try {
            int removed = store.prune(before);
            if (removed > 0) {
                log.info("Removed {} conversations with no turn since {}", removed, before);
            }
            return removed;
        } catch (RuntimeException e) {
            // The database may be away for a moment; the next sweep catches up.
            log.warn("Conversation sweep failed: {}", e.toString());
            return 0;
        }
    }
}
