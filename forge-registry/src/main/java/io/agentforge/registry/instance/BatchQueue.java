package io.agentforge.registry.instance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessResourceException;

/**
 * Callers hand items to one thread that takes every item waiting (up to a batch) and handles them together; each
 * caller blocks until its own item is answered. Used where one database round trip for many callers beats one each
 * ({@link JdbcGroupCommit}, {@link BatchedLookup}).
 *
 * <p>An item still queued after {@code maxQueueWait} is taken out and its caller refused with a
 * {@link TransientDataAccessResourceException} (answered 503, retried): when the database hangs, the batch under way
 * waits for the socket timeout, and without the limit every item behind it would wait that long and then for its
 * own batch; when more items wait than the database takes in that time, the rest are shed the same way. An item the
 * worker has taken waits for its batch, which the database's timeouts bound.
 *
 * @param <I> what a caller hands in
 * @param <O> what it gets back
 */
final class BatchQueue<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BatchQueue.class);

    private final int maxBatch;
    private final Duration maxQueueWait;
    private final Consumer<List<Pending<I, O>>> handler;
    private final BlockingQueue<Pending<I, O>> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final Thread worker;
    private volatile boolean closed;

    /**
     * @param name         the worker thread's name
     * @param maxBatch     most items handled together
     * @param maxQueueWait longest an item waits for the worker to take it
     * @param handler      handles a batch and completes every item of it
     */
    BatchQueue(String name, int maxBatch, Duration maxQueueWait, Consumer<List<Pending<I, O>>> handler) {
        this.maxBatch = maxBatch;
        this.maxQueueWait = maxQueueWait;
        this.handler = handler;
        this.worker = Thread.ofPlatform().daemon().name(name).start(this::run);
    }

    /** Waits for the item's answer; throws the exception it was completed with. */
    O submit(I item) {
        Pending<I, O> pending = new Pending<>(item, new CompletableFuture<>());
        waiting.incrementAndGet();
        try {
            queue.add(pending);
            if (closed && queue.remove(pending)) {
                throw new IllegalStateException("The registry store is closed");
            }
            return answer(pending);
        } finally {
            waiting.decrementAndGet();
        }
    }

    private O answer(Pending<I, O> pending) {
        try {
            return pending.result().get(maxQueueWait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (queue.remove(pending)) {
                throw new TransientDataAccessResourceException("The database took no new work for "
                        + maxQueueWait.toMillis() + " ms: the batches ahead of this request are still waiting for it");
            }
            // The worker has it: its batch is under way.
            return unwrap(() -> pending.result().join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (queue.remove(pending)) {
                throw new TransientDataAccessResourceException("Interrupted while waiting for the database", e);
            }
            return unwrap(() -> pending.result().join());
        } catch (ExecutionException e) {
            throw rethrow(e.getCause(), e);
        }
    }

    private O unwrap(Supplier<O> join) {
        try {
            return join.get();
        } catch (CompletionException e) {
            throw rethrow(e.getCause(), e);
        }
    }

    private static RuntimeException rethrow(Throwable cause, Exception wrapper) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(wrapper);
    }

    /** Items submitted and not yet answered. */
    int waiting() {
        return waiting.get();
    }

    private void run() {
        List<Pending<I, O>> batch = new ArrayList<>(maxBatch);
        // After close, what is already queued is still handled.
        while (!closed || !queue.isEmpty()) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                handler.accept(batch);
            } catch (InterruptedException e) {
                // Nobody would answer what is queued or submitted later: refuse it all instead of leaving it waiting.
                closed = true;
                failQueued();
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // The handler answers every caller itself; this only keeps the worker alive.
                log.error("Handling a batch failed", e);
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failQueued();
    }

    private void failQueued() {
        List<Pending<I, O>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new IllegalStateException("The registry store is closed")));
    }

    /** An item and the answer its caller waits for. */
    record Pending<I, O>(I item, CompletableFuture<O> result) {}
}
