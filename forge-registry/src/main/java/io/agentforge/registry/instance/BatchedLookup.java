package io.agentforge.registry.instance;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Coalesces the lookups of keys a cache does not hold: one thread takes every lookup waiting and answers them with
 * one query, so a thousand callers missing at once cost a few queries and one pooled connection, not a thousand.
 *
 * <p>Why: a replica knows the instances it registered; the first renewal of any other instance reads its owner and
 * lease from the database. When a replica dies, all of its instances renew on the survivors within one renewal
 * interval, and one query each queued thousands of requests behind a pool of ten connections until they timed out
 * and the services saw errors instead of a failover.
 *
 * <p>A failing query fails every lookup of its batch with its exception.
 */
final class BatchedLookup<K, V> implements AutoCloseable {

    private final Function<List<K>, Map<K, V>> query;
    private final AtomicLong queries = new AtomicLong();
    private final BatchQueue<K, Optional<V>> lookups;

    /**
     * @param name         the loading thread's name
     * @param maxBatch     most keys in one query
     * @param maxQueueWait longest a lookup waits for its query to start before it is refused (see {@link BatchQueue})
     * @param query        the values of those keys that exist; a key it leaves out has none
     */
    BatchedLookup(String name, int maxBatch, Duration maxQueueWait, Function<List<K>, Map<K, V>> query) {
        this.query = query;
        this.lookups = new BatchQueue<>(name, maxBatch, maxQueueWait, this::answer);
    }

    /** The key's value from the next query that includes it; throws what that query threw. */
    Optional<V> get(K key) {
        return lookups.submit(key);
    }

    /** Queries run so far. */
    long queries() {
        return queries.get();
    }

    /** Lookups asked for and not yet answered. */
    int waiting() {
        return lookups.waiting();
    }

    private void answer(List<BatchQueue.Pending<K, Optional<V>>> batch) {
        List<K> keys = batch.stream().map(BatchQueue.Pending::item).distinct().toList();
        Map<K, V> found;
        try {
            found = query.apply(keys);
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        queries.incrementAndGet();
        batch.forEach(p -> p.result().complete(Optional.ofNullable(found.get(p.item()))));
    }

    @Override
    public void close() {
        lookups.close();
    }
}
