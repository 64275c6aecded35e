package io.agentforge.registry.events;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.instance.InstanceStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Follows the store's event log and wakes the subscribers. One poller reads new events into a short in-memory tail,
 * so a thousand subscribers cost one store read, not a thousand. Events written by another replica (shared
 * PostgreSQL) arrive through {@link #signal()} (LISTEN/NOTIFY) or, at the latest, the next poll.
 */
@Component
public class ChangeFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
    private static final int TAIL = 2048;
    private static final Duration LOCAL_CHECK = Duration.ofMillis(20);
    private static final Duration BURST_GAP = Duration.ofMillis(2);
    private static final Duration FULL_POLL = Duration.ofSeconds(1);
    // Healthy, the log is read at least every FULL_POLL; this long without a read means the database is out of reach.
    private static final Duration CUT_OFF = Duration.ofSeconds(5);

    private final InstanceStore store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ChangeEvent> tail = new ArrayDeque<>();
    private volatile long cursor;
    private volatile boolean signalled;
    private volatile boolean running;
    private volatile long lastReadNanos = System.nanoTime();
    private volatile Thread poller;

    ChangeFeed(InstanceStore store) {
        this.store = store;
    }

    /** Asks for an immediate poll: this or another replica wrote events. */
    public void signal() {
        signalled = true;
        Thread current = poller;
        if (current != null) {
            LockSupport.unpark(current);
        }
    }

    /**
     * Whether the event log has not been readable for a while (the database is down or this replica cut off from it):
     * other replicas' changes may then be missing here, so subscribers are better served by another replica.
     */
    public boolean cutOff() {
        return running && System.nanoTime() - lastReadNanos > CUT_OFF.toNanos();
    }

    /** Id of the newest event seen. */
    public long latestId() {
        return cursor;
    }

    /** Oldest id a subscriber can still resume after without a gap. */
    public long oldestAvailableId() {
        return store.oldestEventId();
    }

    /** Up to {@code limit} events after {@code afterId}; from the in-memory tail when it reaches back far enough. */
    public List<ChangeEvent> after(long afterId, int limit) {
        lock.lock();
        try {
            if (!tail.isEmpty() && tail.peekFirst().id() <= afterId + 1) {
                List<ChangeEvent> result = new ArrayList<>();
                for (ChangeEvent event : tail) {
                    if (event.id() > afterId) {
                        result.add(event);
                        if (result.size() == limit) {
                            break;
                        }
                    }
                }
                return result;
            }
        } finally {
            lock.unlock();
        }
        return afterId >= cursor
                ? List.of()
                : store.eventsAfter(afterId, Math.min(limit, 1000)).stream()
                        .filter(e -> e.id() <= cursor)
                        .toList();
    }

    /** Blocks until an event newer than {@code afterId} is seen, the timeout passes, or the feed stops. */
    public boolean awaitNewer(long afterId, Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (cursor <= afterId && running) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return cursor > afterId;
        } finally {
            lock.unlock();
        }
    }

    /** Reads whatever the store has beyond the cursor; called by the poller, and directly by tests. */
    public void poll() {
        while (true) {
            List<ChangeEvent> events = store.eventsAfter(cursor, 500);
            if (events.isEmpty()) {
                return;
            }
            lock.lock();
            try {
                for (ChangeEvent event : events) {
                    if (event.id() > cursor) {
                        tail.addLast(event);
                        cursor = event.id();
                    }
                }
                while (tail.size() > TAIL) {
                    tail.removeFirst();
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void run() {
        long lastFullPoll = System.nanoTime();
        boolean failing = false;
        while (running) {
            try {
                // Local writes move lastEventId() at once; a full poll also catches other replicas' writes.
                boolean fullPollDue = System.nanoTime() - lastFullPoll >= FULL_POLL.toNanos();
                if (signalled || store.lastEventId() > cursor || fullPollDue) {
                    signalled = false;
                    lastFullPoll = System.nanoTime();
                    long before = cursor;
                    poll();
                    lastReadNanos = System.nanoTime();
                    if (failing) {
                        log.info("Change feed reads the event log again");
                        failing = false;
                    }
                    if (cursor != before) {
                        // A burst of writes wakes the subscribers once per gap, not once per write.
                        Thread.sleep(BURST_GAP);
                    }
                }
                // signal() unparks at once; the check interval only bounds how late an unannounced write is seen.
                LockSupport.parkNanos(this, LOCAL_CHECK.toNanos());
                if (Thread.interrupted()) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!failing) {
                    log.warn("Change feed poll failed; retrying", e);
                    failing = true;
                }
                lastFullPoll = System.nanoTime();
                LockSupport.parkNanos(this, LOCAL_CHECK.toNanos());
            }
        }
    }

    @Override
    public void start() {
        cursor = store.lastEventId();
        store.onExternalChange(this::signal);
        store.onLocalChange(this::signal);
        lastReadNanos = System.nanoTime();
        running = true;
        poller = Thread.ofPlatform().daemon().name("change-feed").start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        if (poller != null) {
            poller.interrupt();
        }
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
