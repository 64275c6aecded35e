package io.agentforge.registry.instance;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** For handlers that hold a batch until the test lets it go (they run on a worker, so they can't throw checked). */
final class TestLatches {

    private TestLatches() {}

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
}
