package io.agentforge.registry.instance;

import static io.agentforge.registry.instance.TestLatches.awaitUntil;
import static io.agentforge.registry.support.Registrations.agent;
import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.support.TestPostgres;
import io.agentforge.registry.web.DatabaseFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.core.JdbcTemplate;

class JdbcInstanceStoreTests extends InstanceStoreContract {

    private static DataSource dataSource;

    @BeforeAll
    static void database() {
        dataSource = TestPostgres.dataSource(TestPostgres.newDatabaseUrl());
        Flyway.configure().dataSource(dataSource).load().migrate();
    }

    @Override
    protected InstanceStore createStore() {
        new JdbcTemplate(dataSource)
                .execute(
                        "truncate instances, instance_functions, change_events, service_owners, function_owners restart identity");
        // A long flush interval: the tests decide when renewals reach the database.
        return new JdbcInstanceStore(dataSource, ForgeJacksonModule.mapper(), Duration.ofHours(1), 1000);
    }

    @Override
    protected void settle() {
        ((JdbcInstanceStore) store).flush();
    }

    @AfterEach
    void close() {
        ((JdbcInstanceStore) store).close();
    }

    @Test
    void renewalsAreBatchedAndStillVisibleToThisReplicaBeforeTheyAreWritten() {
        store.register(tool("calc-1", "calculator"), "key1", clock.instant());
        clock.advance(Duration.ofSeconds(10));

        var lease = store.renew("calc-1", clock.instant()).orElseThrow();

        assertThat(store.find("calc-1"))
                .get()
                .satisfies(s -> assertThat(s.instance().expiresAt()).isEqualTo(lease.expiresAt()));
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select expires_at < ? from instances where instance_id = 'calc-1'",
                                Boolean.class,
                                lease.expiresAt().atOffset(java.time.ZoneOffset.UTC)))
                .as("not yet written")
                .isTrue();
        assertThat(((JdbcInstanceStore) store).flush()).isEqualTo(1);
        assertThat(new JdbcTemplate(dataSource)
                        .queryForObject(
                                "select expires_at = ? from instances where instance_id = 'calc-1'",
                                Boolean.class,
                                lease.expiresAt().atOffset(java.time.ZoneOffset.UTC)))
                .isTrue();
    }

    @Test
    void aSecondStoreOnTheSameDatabaseSeesTheSameInstancesAndEvents() {
        store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());
        var other = new JdbcInstanceStore(dataSource, ForgeJacksonModule.mapper(), Duration.ofHours(1), 1000);
        try {
            assertThat(other.find("calc-1")).isPresent();
            assertThat(other.eventsAfter(0, 10)).hasSize(1);
            assertThat(other.lastEventId()).isEqualTo(store.lastEventId());

            other.deregister("calc-1", clock.instant());

            assertThat(store.eventsAfter(0, 10)).hasSize(2);
            assertThat(store.renew("calc-1", clock.instant()))
                    .as("the first store learned of the removal")
                    .isEmpty();
        } finally {
            other.close();
        }
    }

    @Test
    void anotherReplicaReadsTheInstancesItDidNotKnowInBatchesWhenTheyAllRenewThere() throws Exception {
        int n = 300;
        for (int i = 0; i < n; i++) {
            store.register(tool("svc-" + i, "service-" + (i % 20)), "key1", clock.instant());
        }
        clock.advance(Duration.ofSeconds(10));
        var other = replicaWaitingForTheLockedTable();
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<CompletableFuture<Boolean>> renewed = new ArrayList<>();
            try (Connection tableHolder = lockedInstancesTable()) {
                // As when the replica that registered them dies: all renew here at once, and the first read waits.
                for (int i = 0; i < n; i++) {
                    String id = "svc-" + i;
                    renewed.add(CompletableFuture.supplyAsync(
                            () -> other.renew(id, clock.instant()).isPresent(), threads));
                }
                awaitUntil(() -> other.lookupsWaiting() == n);
                tableHolder.rollback();
            }

            assertThat(renewed).allSatisfy(r -> assertThat(r.join()).isTrue());
            assertThat(other.lookupQueries())
                    .as("the read that waited for the table, then the %d lookups queued behind it", n - 1)
                    .isLessThanOrEqualTo(
                            1 + (n - 1 + JdbcInstanceStore.MAX_LOOKUP_BATCH - 1) / JdbcInstanceStore.MAX_LOOKUP_BATCH);
            assertThat(other.renew("svc-unknown", clock.instant())).isEmpty();
            assertThat(other.renew("svc-7", clock.instant()))
                    .as("known from now on")
                    .isPresent();
            assertThat(other.flush()).isEqualTo(n);
        } finally {
            threads.shutdown();
            other.close();
        }
    }

    @Test
    void aRegistrationQueuedBehindAHungWriteIsRefusedAsRetryableAndNotStoredWhileTheHungOneCommits() throws Exception {
        var other = new JdbcInstanceStore(
                dataSource, ForgeJacksonModule.mapper(), Duration.ofHours(1), 1000, Duration.ofMillis(200), clock);
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CompletableFuture<Registered> hung;
            try (Connection tableHolder = lockedInstancesTable()) {
                // The database stops answering this replica's writes (as in a partition, until the socket timeout).
                hung = CompletableFuture.supplyAsync(
                        () -> other.register(tool("svc-hung", "service-a"), "key1", clock.instant()), threads);
                awaitUntil(() -> sessionsWaitingForALock() == 1);

                assertThatThrownBy(() -> other.register(tool("svc-queued", "service-b"), "key1", clock.instant()))
                        .as("behind the hung batch: refused after its 200 ms in the queue, answered 503")
                        .isInstanceOf(TransientDataAccessResourceException.class)
                        .satisfies(
                                e -> assertThat(DatabaseFailures.unreachable(e)).isTrue());
                tableHolder.rollback();
            }

            assertThat(hung.get(30, TimeUnit.SECONDS).instance().instanceId()).isEqualTo("svc-hung");
            assertThat(store.find("svc-hung")).isPresent();
            assertThat(store.find("svc-queued"))
                    .as("refused, so never written behind its caller's back")
                    .isEmpty();
            other.register(tool("svc-queued", "service-b"), "key1", clock.instant());
            assertThat(store.find("svc-queued")).as("the retry").isPresent();
        } finally {
            threads.shutdown();
            other.close();
        }
    }

    // Another replica on the same database whose lookups queue behind the locked table on purpose: no limit on how long
    // they wait for it.
    private static JdbcInstanceStore replicaWaitingForTheLockedTable() {
        return new JdbcInstanceStore(
                dataSource,
                ForgeJacksonModule.mapper(),
                Duration.ofHours(1),
                1000,
                Duration.ofMinutes(5),
                Clock.systemUTC());
    }

    // A connection holding the instances table locked until it rolls back: every other session's read or write of
    // it waits (as for a database that stopped answering).
    private static Connection lockedInstancesTable() throws SQLException {
        Connection connection = dataSource.getConnection();
        try (Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("lock table instances in access exclusive mode");
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private static int sessionsWaitingForALock() {
        return new JdbcTemplate(dataSource)
                .queryForObject(
                        "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
                        Integer.class);
    }

    @Test
    void aRowReadWhileTheCacheChangedIsNotKeptSoAnOlderRowCannotOverwriteTheChange() throws Exception {
        store.register(tool("svc-a", "service-a"), "key1", clock.instant());
        clock.advance(Duration.ofSeconds(10));
        var other = replicaWaitingForTheLockedTable();
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CompletableFuture<Boolean> renewed;
            try (Connection tableHolder = lockedInstancesTable()) {
                renewed = CompletableFuture.supplyAsync(
                        () -> other.renew("svc-a", clock.instant()).isPresent(), threads);
                awaitUntil(() -> other.lookupsWaiting() == 1);
                // While the read waits: the other replica's events (change_events is not locked) change the cache.
                assertThat(other.eventsAfter(0, 10)).isNotEmpty();
                tableHolder.rollback();
            }
            assertThat(renewed.join()).isTrue();
            long queries = other.lookupQueries();

            assertThat(other.renew("svc-a", clock.instant())).isPresent();
            assertThat(other.lookupQueries())
                    .as("read again, not served from the cache")
                    .isEqualTo(queries + 1);
            assertThat(other.renew("svc-a", clock.instant())).isPresent();
            assertThat(other.lookupQueries())
                    .as("kept after a read with no change meanwhile")
                    .isEqualTo(queries + 1);
        } finally {
            threads.shutdown();
            other.close();
        }
    }

    @Test
    void concurrentRegistrationsAreCommittedTogetherWithTheirEventsInOrder() throws Exception {
        int n = 200;
        int commitsBefore = ((JdbcInstanceStore) store).writeCommits();
        Map<String, CompletableFuture<Registered>> results;
        try (Connection lockHolder = dataSource.getConnection()) {
            // Holding the write lock queues every registration behind the first batch: they then commit as one.
            holdWriteLock(lockHolder);
            Map<String, ServiceRegistration> registrations = new HashMap<>();
            for (int i = 0; i < n; i++) {
                registrations.put("svc-" + i, tool("svc-" + i, "service-" + (i % 20), "function_" + (i % 20)));
            }
            results = registerConcurrently(registrations, Map.of());
            awaitUntil(() -> ((JdbcInstanceStore) store).writesWaiting() == n);
        }

        results.values().forEach(CompletableFuture::join);
        assertThat(store.count()).isEqualTo(n);
        List<ChangeEvent> events = store.eventsAfter(0, 1000);
        assertThat(events).hasSize(n).allMatch(e -> e.type() == ChangeType.REGISTERED);
        assertThat(events.stream().map(e -> e.instance().instanceId()).distinct())
                .hasSize(n);
        assertThat(events.stream().mapToLong(ChangeEvent::id).toArray())
                .as("consecutive ids in commit order")
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, n).toArray());
        assertThat(((JdbcInstanceStore) store).writeCommits() - commitsBefore)
                .as("the batch taken before the lock was free, then all the others in full batches")
                .isLessThanOrEqualTo(1 + (n + JdbcInstanceStore.MAX_BATCH - 1) / JdbcInstanceStore.MAX_BATCH);
        assertThat(store.lastEventId()).isEqualTo(n);
    }

    @Test
    void aConflictingRegistrationInABatchFailsAloneWithItsOwnProblem() throws Exception {
        store.register(tool("calc-1", "calculator", "calculator_add"), "key1", clock.instant());
        store.register(agent("chat-1", "chat"), "key1", clock.instant());
        Map<String, ServiceRegistration> registrations = new HashMap<>();
        Map<String, String> keys = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            registrations.put("ok-" + i, tool("ok-" + i, "fine-" + i, "fine_" + i));
        }
        registrations.put("evil-1", tool("evil-1", "evil", "calculator_add"));
        registrations.put("thief-1", tool("thief-1", "calculator"));
        keys.put("thief-1", "key2");
        registrations.put("kind-1", tool("kind-1", "chat"));
        Map<String, CompletableFuture<Registered>> results;
        try (Connection lockHolder = dataSource.getConnection()) {
            holdWriteLock(lockHolder);
            results = registerConcurrently(registrations, keys);
            awaitUntil(() -> ((JdbcInstanceStore) store).writesWaiting() == registrations.size());
        }

        assertThatThrownBy(() -> results.get("evil-1").join())
                .cause()
                .isInstanceOf(FunctionConflictException.class)
                .hasMessage(failureAlone(registrations.get("evil-1"), "key1").getMessage());
        assertThatThrownBy(() -> results.get("thief-1").join())
                .cause()
                .isInstanceOf(NameOwnedException.class)
                .hasMessage(failureAlone(registrations.get("thief-1"), "key2").getMessage());
        assertThatThrownBy(() -> results.get("kind-1").join())
                .cause()
                .isInstanceOf(KindConflictException.class)
                .hasMessage(failureAlone(registrations.get("kind-1"), "key1").getMessage());
        for (int i = 0; i < 30; i++) {
            assertThat(results.get("ok-" + i).join().created()).isTrue();
        }
        assertThat(store.count()).isEqualTo(32);
        List<ChangeEvent> events = store.eventsAfter(0, 1000);
        assertThat(events.stream().mapToLong(ChangeEvent::id).toArray())
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 32).toArray());
        assertThat(events)
                .noneMatch(e -> List.of("evil-1", "thief-1", "kind-1")
                        .contains(e.instance().instanceId()));
        assertThat(store.ownerOfService("evil"))
                .as("nothing of a failed write is kept")
                .isEmpty();
    }

    private RuntimeException failureAlone(ServiceRegistration registration, String key) {
        try {
            store.register(registration, key, clock.instant());
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("registering " + registration.instanceId() + " alone succeeded");
    }

    private Map<String, CompletableFuture<Registered>> registerConcurrently(
            Map<String, ServiceRegistration> registrations, Map<String, String> keys) {
        var threads = Executors.newVirtualThreadPerTaskExecutor();
        Map<String, CompletableFuture<Registered>> results = new HashMap<>();
        registrations.forEach((id, registration) -> results.put(
                id,
                CompletableFuture.supplyAsync(
                        () -> store.register(registration, keys.getOrDefault(id, "key1"), clock.instant()), threads)));
        threads.shutdown();
        return results;
    }

    private static void holdWriteLock(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // Session-level: blocks the store's transaction-level lock on the same key until this connection closes.
            statement.execute("select pg_advisory_lock(" + 0x4167466f72676531L + ")");
        }
    }
}
