package io.agentforge.registry.instance;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits of the batching tests, each bounded by 30 s. */
final class TestLatches {

    private TestLatches() {}

    /** For handlers that hold a batch until the test lets it go (they run on a worker, so they can't throw checked). */
    static void awaitOpen(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the batch end");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Until another thread has got where the test needs it (queued, waiting for a lock). */
    static void awaitUntil(BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(2))
                .until(condition::getAsBoolean);
    }
}
