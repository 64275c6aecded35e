package io.agentforge.client;

/** An open change-feed connection; closing it ends the stream and the reader thread. */
public interface FeedSubscription extends AutoCloseable {

    /** Whether the stream is still being read. */
    boolean isOpen();

    /** Id of the last event (or reset point) received, -1 when none yet. */
    long lastEventId();

    /** Ends the stream; idempotent, never throws. */
    @Override
    void close();
}
