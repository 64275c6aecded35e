package io.agentforge.registry.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With the default {@code memory} store there is no database: switch off the JDBC and Flyway auto-configuration
 * so the registry starts without a {@code spring.datasource.url}.
 */
class StoreSelection implements EnvironmentPostProcessor {

    static final String STORE_PROPERTY = "agentforge.registry.store";
    private static final String EXCLUDE = "spring.autoconfigure.exclude";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if ("postgres".equals(environment.getProperty(STORE_PROPERTY, "memory"))) {
            return;
        }
        String existing = environment.getProperty(EXCLUDE, "");
        String excludes = (existing.isBlank() ? "" : existing + ",")
                + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration";
        environment
                .getPropertySources()
                .addFirst(new MapPropertySource("agentforge-memory-store", Map.of(EXCLUDE, excludes)));
    }
}
