package io.agentforge.registry.instance;

import static io.agentforge.registry.instance.TestLatches.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;

class BatchedLookupTests {

    @Test
    void lookupsWaitingWhileAQueryRunsAreAnsweredByTheNextQueryTogether() throws Exception {
        CountDownLatch firstQueryMayEnd = new CountDownLatch(1);
        List<List<String>> queries = new ArrayList<>();
        Function<List<String>, Map<String, Integer>> query = keys -> {
            synchronized (queries) {
                queries.add(keys);
            }
            if (keys.contains("k0")) {
                TestLatches.awaitOpen(firstQueryMayEnd);
            }
            // Odd keys exist, even ones (but k0) don't.
            return keys.stream()
                    .filter(k -> k.equals("k0") || Integer.parseInt(k.substring(1)) % 2 == 1)
                    .collect(Collectors.toMap(k -> k, k -> Integer.parseInt(k.substring(1))));
        };
        try (var lookup = new BatchedLookup<>("test-lookup", 500, Duration.ofMinutes(1), query);
                var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<Optional<Integer>>> others = new ArrayList<>();
            CompletableFuture<Optional<Integer>> first;
            try {
                first = CompletableFuture.supplyAsync(() -> lookup.get("k0"), threads);
                awaitUntil(() -> {
                    synchronized (queries) {
                        return !queries.isEmpty();
                    }
                });
                for (int i = 1; i <= 100; i++) {
                    String key = "k" + i;
                    others.add(CompletableFuture.supplyAsync(() -> lookup.get(key), threads));
                }
                awaitUntil(() -> lookup.waiting() >= 101);
            } finally {
                firstQueryMayEnd.countDown();
            }

            assertThat(first.join()).contains(0);
            for (int i = 1; i <= 100; i++) {
                assertThat(others.get(i - 1).join()).isEqualTo(i % 2 == 1 ? Optional.of(i) : Optional.empty());
            }
            assertThat(queries).hasSize(2);
            assertThat(queries.get(1)).hasSize(100);
        }
    }

    @Test
    void aFailingQueryFailsEveryLookupOfItsBatchAndTheNextOneIsTriedAgain() {
        var failures = new AtomicInteger(1);
        Function<List<String>, Map<String, String>> query = keys -> {
            if (failures.getAndDecrement() > 0) {
                throw new DataAccessResourceFailureException("database unreachable");
            }
            return Map.of("a", "A");
        };
        try (var lookup = new BatchedLookup<>("test-lookup", 10, Duration.ofMinutes(1), query)) {
            assertThatThrownBy(() -> lookup.get("a"))
                    .isInstanceOf(DataAccessResourceFailureException.class)
                    .hasMessage("database unreachable");
            assertThat(lookup.get("a")).contains("A");
            assertThat(lookup.queries()).isEqualTo(1);
        }
    }
}
