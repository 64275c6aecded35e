package io.agentforge.registry.agentcard;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.instance.JdbcInstanceStore;
import io.agentforge.registry.support.TestPostgres;
import java.time.Duration;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The agent-card contract on PostgreSQL, with two replicas: agents register at one, the other reads their cards and
 * learns of re-registrations from the shared change feed.
 */
class AgentCardFetcherPostgresTests extends AgentCardFetcherContract {

    private static DataSource dataSource;

    private JdbcInstanceStore writer;
    private JdbcInstanceStore reader;

    @BeforeAll
    static void database() {
        dataSource = TestPostgres.dataSource(TestPostgres.newDatabaseUrl());
        Flyway.configure().dataSource(dataSource).load().migrate();
    }

    @Override
    protected InstanceStore writer() {
        new JdbcTemplate(dataSource)
                .execute("truncate instances, instance_functions, change_events, service_owners, function_owners"
                        + " restart identity");
        writer = new JdbcInstanceStore(dataSource, ForgeJacksonModule.mapper(), Duration.ofHours(1), 1000);
        return writer;
    }

    @Override
    protected InstanceStore reader() {
        reader = new JdbcInstanceStore(dataSource, ForgeJacksonModule.mapper(), Duration.ofHours(1), 1000);
        return reader;
    }

    // A replica's change feed polls the shared event table; reading it is how the replica learns of other writes.
    @Override
    protected void settle() {
        while (reader.eventsAfter(reader.lastEventId(), 1000).size() == 1000) {
            // read on to the end
        }
    }

    @AfterEach
    void close() {
        writer.close();
        reader.close();
    }
}
