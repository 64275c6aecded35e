package io.agentforge.registry.instance;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.support.TestPostgres;
import io.agentforge.registry.web.DatabaseFailures;
import io.agentforge.testsupport.MutableClock;
import java.net.ServerSocket;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A connection pool with no free connection is not a database outage: renewals of known instances are still
 * acknowledged while the database answers this replica's other writes (a real Hikari pool of three on embedded
 * PostgreSQL: the store's change listener holds one, the tests take the others).
 */
class JdbcBusyPoolTests {

    private static String url;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private HikariDataSource pool;
    private JdbcInstanceStore store;

    @BeforeAll
    static void database() {
        url = TestPostgres.newDatabaseUrl();
        Flyway.configure().dataSource(TestPostgres.dataSource(url)).load().migrate();
    }

    @BeforeEach
    void store() throws InterruptedException {
        new JdbcTemplate(TestPostgres.dataSource(url))
                .execute(
                        "truncate instances, instance_functions, change_events, service_owners, function_owners restart identity");
        pool = pool(url);
        // A long flush interval: the tests decide when renewals are written.
        store = new JdbcInstanceStore(pool, ForgeJacksonModule.mapper(), Duration.ofHours(1), 1000, clock);
        // The store's change listener keeps one connection; the tests take the other two.
        while (pool.getHikariPoolMXBean().getActiveConnections() < 1) {
            Thread.sleep(5);
        }
    }

    @AfterEach
    void close() {
        store.close();
        pool.close();
    }

    @Test
    void aPoolTimeoutIsABusyPoolAndAFailureToConnectIsNot() throws Exception {
        RuntimeException busy;
        try (Connection first = pool.getConnection();
                Connection second = pool.getConnection()) {
            busy = assertThrows(() -> new JdbcTemplate(pool).execute("select 1"));
        }
        assertThat(DatabaseFailures.poolBusy(busy)).isTrue();
        assertThat(DatabaseFailures.unreachable(busy)).isTrue();

        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (HikariDataSource nowhere = pool("jdbc:postgresql://127.0.0.1:" + closedPort + "/registry")) {
            RuntimeException refused = assertThrows(() -> new JdbcTemplate(nowhere).execute("select 1"));
            assertThat(DatabaseFailures.poolBusy(refused)).isFalse();
            assertThat(DatabaseFailures.unreachable(refused)).isTrue();
        }
    }

    @Test
    void renewalsAreAcknowledgedWhileOnlyThePoolIsBusyAndTheDatabaseTakesOtherWrites() throws Exception {
        store.register(tool("calc-1", "calculator"), "key1", clock.instant());
        store.renew("calc-1", clock.instant()).orElseThrow();
        Connection first = pool.getConnection();
        Connection second = pool.getConnection();
        try {
            assertThatThrownBy(store::flush)
                    .satisfies(e -> assertThat(DatabaseFailures.poolBusy(e)).isTrue());
            // Past a sixth of the 30 s lease, the limit for an outage.
            clock.advance(Duration.ofSeconds(6));
            second.close();
            store.register(tool("other-1", "other"), "key1", clock.instant());
            second = pool.getConnection();
            assertThatThrownBy(store::flush).isNotNull();

            assertThat(store.renew("calc-1", clock.instant()))
                    .as("the database answered a moment ago")
                    .isPresent();

            // Past a third of the lease: renewals are refused, busy or not.
            clock.advance(Duration.ofSeconds(5));
            assertThatThrownBy(() -> store.renew("calc-1", clock.instant()))
                    .isInstanceOf(DataAccessResourceFailureException.class);
        } finally {
            first.close();
            second.close();
        }
        assertThat(store.flush()).isEqualTo(1);
        assertThat(store.renew("calc-1", clock.instant())).isPresent();
    }

    @Test
    void aBusyPoolWithoutAnAnswerFromTheDatabaseCountsAsAnOutage() throws Exception {
        store.register(tool("calc-1", "calculator"), "key1", clock.instant());
        store.renew("calc-1", clock.instant()).orElseThrow();
        try (Connection first = pool.getConnection();
                Connection second = pool.getConnection()) {
            assertThatThrownBy(store::flush).isNotNull();
            clock.advance(Duration.ofSeconds(6));

            // A partition can hold every pooled connection in a call that hangs: nothing tells it from a busy pool.
            assertThatThrownBy(() -> store.renew("calc-1", clock.instant()))
                    .isInstanceOf(DataAccessResourceFailureException.class);
        }
    }

    private static RuntimeException assertThrows(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("no failure");
    }

    private static HikariDataSource pool(String url) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(3);
        config.setMinimumIdle(0);
        // Hikari's minimum; the pool is started lazily, so a database that is not there does not fail the start.
        config.setConnectionTimeout(250);
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }
}
