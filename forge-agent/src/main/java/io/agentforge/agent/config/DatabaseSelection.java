package io.agentforge.agent.config;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.Map;

/** Without a datasource URL conversations stay in memory: switch off JDBC and Flyway auto-configuration. */
class DatabaseSelection implements EnvironmentPostProcessor {

    private static final String EXCLUDE = "spring.autoconfigure.exclude";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String url = environment.getProperty("spring.datasource.url", "");
        if (!url.isBlank()) {
            return;
        }
        String existing = environment.getProperty(EXCLUDE, "");
        environment.getPropertySources().addFirst(new MapPropertySource("agentforge-no-database", Map.of(EXCLUDE,
                (existing.isBlank() ? "" : existing + ",")
                        + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                        + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration")));
    }
}
