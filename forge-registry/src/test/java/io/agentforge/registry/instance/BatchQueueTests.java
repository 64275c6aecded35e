package io.agentforge.registry.instance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.web.DatabaseFailures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.dao.TransientDataAccessResourceException;

class BatchQueueTests {

    @Test
    void anItemQueuedBehindAHungBatchIsRefusedAsRetryableAndNeverHandledWhileTheHungOneGetsItsAnswer()
            throws Exception {
        CountDownLatch databaseAnswers = new CountDownLatch(1);
        CountDownLatch firstBatchStarted = new CountDownLatch(1);
        List<String> handled = new ArrayList<>();
        try (var queue = new BatchQueue<String, String>("test-queue", 10, Duration.ofMillis(50), batch -> {
                    synchronized (handled) {
                        batch.forEach(p -> handled.add(p.item()));
                    }
                    if (batch.stream().anyMatch(p -> p.item().equals("hung"))) {
                        firstBatchStarted.countDown();
                        // A database call that hangs until the test lets it answer (a partition, in production
                        // ended by the socket timeout).
                        TestLatches.awaitOpen(databaseAnswers);
                    }
                    batch.forEach(p -> p.result().complete(p.item().toUpperCase()));
                });
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<String> hung = CompletableFuture.supplyAsync(() -> queue.submit("hung"), threads);
            assertThat(firstBatchStarted.await(30, TimeUnit.SECONDS)).isTrue();

            // Queued behind the hung batch: refused once it has waited its 50 ms, with what the registry answers 503.
            assertThatThrownBy(() -> queue.submit("queued"))
                    .isInstanceOf(TransientDataAccessResourceException.class)
                    .hasMessageContaining("took no new work for 50 ms")
                    .satisfies(e -> assertThat(DatabaseFailures.unreachable(e)).isTrue());
            assertThat(queue.waiting()).isEqualTo(1);

            // The batch the worker had taken is not given up: its caller gets the database's answer.
            databaseAnswers.countDown();
            assertThat(hung.get(30, TimeUnit.SECONDS)).isEqualTo("HUNG");
            assertThat(queue.submit("later")).isEqualTo("LATER");
            synchronized (handled) {
                // The refused item was taken out of the queue: nothing runs it after its caller heard "retry".
                assertThat(handled).containsExactly("hung", "later");
            }
        }
    }
}
