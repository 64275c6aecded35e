package io.agentforge.registry.instance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Group commit for the event-appending writes of {@link JdbcInstanceStore}: one writer thread per replica takes every
 * write waiting, runs them in one transaction under the store's write lock, each behind a savepoint, and commits
 * once.
 *
 * <p>Why: the write lock serialises every such write of every replica, so one commit (one WAL flush, one lock
 * hand-over) per write capped registration at about 100/s per database, and every waiting write held a pooled
 * connection while it queued for the lock. Batched, a replica needs one connection for all its writes.
 *
 * <p>A write that throws fails alone: it is rolled back to its savepoint and its caller gets its exception; the
 * others commit. Each caller is answered only after its batch committed (or failed as a whole), so nothing
 * acknowledged is lost.
 */
final class JdbcGroupCommit implements AutoCloseable {

    private final TransactionTemplate tx;
    private final JdbcTemplate jdbc;
    private final Runnable lock;
    private final Runnable committed;
    private final AtomicInteger commits = new AtomicInteger();
    private final BatchQueue<Supplier<?>, Object> writes;

    /**
     * @param tx           transactions on the store's data source
     * @param jdbc         statements on the same data source
     * @param lock         takes the write lock; runs first in every batch's transaction
     * @param maxBatch     most writes in one transaction (bounds how long the lock is held)
     * @param maxQueueWait longest a write waits for its batch to start before it is refused (see {@link BatchQueue})
     * @param committed    runs after every committed batch (the database answered)
     */
    JdbcGroupCommit(
            TransactionTemplate tx,
            JdbcTemplate jdbc,
            Runnable lock,
            int maxBatch,
            Duration maxQueueWait,
            Runnable committed) {
        this.tx = tx;
        this.jdbc = jdbc;
        this.lock = lock;
        this.committed = committed;
        this.writes = new BatchQueue<>("registry-writer", maxBatch, maxQueueWait, this::commit);
    }

    /**
     * Runs {@code work} inside the next batch's transaction, under the write lock, and returns its result once the
     * batch committed; throws what {@code work} threw, or what failed the whole batch.
     */
    @SuppressWarnings("unchecked")
    <T> T write(Supplier<T> work) {
        return (T) writes.submit(work);
    }

    /** Batches committed so far. */
    int commits() {
        return commits.get();
    }

    /** Writes submitted and not yet answered. */
    int waiting() {
        return writes.waiting();
    }

    private void commit(List<BatchQueue.Pending<Supplier<?>, Object>> batch) {
        List<Object> results;
        try {
            results = tx.execute(status -> {
                lock.run();
                return batch.size() == 1
                        ? Collections.singletonList(batch.getFirst().item().get())
                        : isolated(batch);
            });
        } catch (RuntimeException | Error e) {
            // Nothing of the batch is stored (a lone write's own failure included): every caller gets the failure.
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        commits.incrementAndGet();
        committed.run();
        for (int i = 0; i < batch.size(); i++) {
            Object outcome = results.get(i);
            if (outcome instanceof Failed failed) {
                batch.get(i).result().completeExceptionally(failed.failure());
            } else {
                batch.get(i).result().complete(outcome);
            }
        }
    }

    /**
     * Runs each write after one savepoint, moved past every write that succeeded (one round trip per write): a
     * failing write rolls back to it, which leaves it in place for the next, and keeps its exception as its
     * outcome. A failing rollback (the connection broke) fails the whole batch.
     */
    private List<Object> isolated(List<BatchQueue.Pending<Supplier<?>, Object>> batch) {
        List<Object> outcomes = new ArrayList<>(batch.size());
        jdbc.execute("savepoint batch_item");
        boolean savepointCurrent = true;
        for (var pending : batch) {
            if (!savepointCurrent) {
                jdbc.execute("release savepoint batch_item; savepoint batch_item");
            }
            try {
                outcomes.add(pending.item().get());
                savepointCurrent = false;
            } catch (RuntimeException e) {
                jdbc.execute("rollback to savepoint batch_item");
                outcomes.add(new Failed(e));
                savepointCurrent = true;
            }
        }
        return outcomes;
    }

    @Override
    public void close() {
        writes.close();
    }

    private record Failed(RuntimeException failure) {}
}
