package io.agentforge.registry.config;

import com.zaxxer.hikari.HikariDataSource;
import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.InstanceProperties;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.instance.JdbcInstanceStore;
import io.agentforge.registry.security.ApiKeyStore;
import io.agentforge.registry.security.InMemoryApiKeyStore;
import io.agentforge.registry.security.JdbcApiKeyStore;
import io.agentforge.registry.security.KeyRevocations;
import io.agentforge.registry.token.InMemorySigningKeyStore;
import io.agentforge.registry.token.JdbcSigningKeyStore;
import io.agentforge.registry.token.SigningKeyStore;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

/** Chooses the store by {@code agentforge.registry.store}: {@code memory} (default) or {@code postgres}. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class StoreConfiguration {

    // Revocations go through the instance store's event log, so the feed of every replica carries them.
    @Bean
    KeyRevocations keyRevocations(InstanceStore instanceStore) {
        return instanceStore::keyRevoked;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreSelection.STORE_PROPERTY, havingValue = "postgres")
    static class PostgresStore {

        @Bean(destroyMethod = "close")
        @DependsOnDatabaseInitialization
        InstanceStore instanceStore(
                DataSource dataSource, JsonMapper mapper, InstanceProperties properties, Clock clock)
                throws SQLException {
            return new JdbcInstanceStore(
                    dataSource,
                    mapper,
                    properties.renewalFlushInterval(),
                    properties.eventRetention(),
                    connectionTimeout(dataSource),
                    clock);
        }

        // A request queued for the database waits no longer than one waiting for a pooled connection would.
        private static Duration connectionTimeout(DataSource dataSource) throws SQLException {
            return dataSource.isWrapperFor(HikariDataSource.class)
                    ? Duration.ofMillis(
                            dataSource.unwrap(HikariDataSource.class).getConnectionTimeout())
                    : JdbcInstanceStore.DEFAULT_QUEUE_WAIT;
        }

        @Bean
        @DependsOnDatabaseInitialization
        ApiKeyStore apiKeyStore(DataSource dataSource) {
            return new JdbcApiKeyStore(dataSource);
        }

        @Bean
        @DependsOnDatabaseInitialization
        SigningKeyStore signingKeyStore(DataSource dataSource) {
            return new JdbcSigningKeyStore(dataSource);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = StoreSelection.STORE_PROPERTY, havingValue = "memory", matchIfMissing = true)
    static class MemoryStore {

        @Bean
        InstanceStore instanceStore(InstanceProperties properties, Clock clock) {
            // Event ids start above any this registry handed out before a restart (1,000 ids per millisecond).
            return new InMemoryInstanceStore(properties.eventRetention(), clock.millis() * 1000);
        }

        @Bean
        ApiKeyStore apiKeyStore() {
            return new InMemoryApiKeyStore();
        }

        @Bean
        SigningKeyStore signingKeyStore() {
            return new InMemorySigningKeyStore();
        }
    }
}
