package io.agentforge.registry.instance;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.support.TestPostgres;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
}
