package io.agentforge.client;

import io.agentforge.registry.api.ChangeEvent;
import org.jspecify.annotations.Nullable;

/**
 * Receives the registry's change feed. All methods are called in order on the subscription's one reader thread;
 * they should return quickly (hand work to another thread) and must not throw.
 */
public interface ChangeFeedListener {

    void onEvent(ChangeEvent event);

    /**
     * The events after the requested resume point can no longer be replayed (or the registry restarted): whatever
     * was derived from the feed must be reloaded. The feed goes on with the events after {@code lastEventId}.
     */
    void onReset(long lastEventId);

    /** A comment arrived (the registry sends a heartbeat every 15 s): the connection is alive. */
    default void onHeartbeat() {}

    /**
     * The feed ended; called exactly once and last.
     *
     * @param error null when the stream ended cleanly or {@link FeedSubscription#close()} was called, otherwise why
     *              it broke (a {@link RegistryException})
     */
    default void onClosed(@Nullable Throwable error) {}
}
