package io.agentforge.agent.config;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Settings that depend on what the environment left empty: without a datasource URL conversations stay in memory
 * (JDBC and Flyway auto-configuration off); a blank OpenAI key or base URL (an empty environment variable) gets a
 * placeholder or the default, so the agent starts and answers with its offline model instead of failing.
 */
class AgentEnvironment implements EnvironmentPostProcessor {

    private static final String EXCLUDE = "spring.autoconfigure.exclude";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> overrides = new HashMap<>();
        if (environment.getProperty("spring.datasource.url", "").isBlank()) {
            String existing = environment.getProperty(EXCLUDE, "");
            overrides.put(
                    EXCLUDE,
                    (existing.isBlank() ? "" : existing + ",")
                            + "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
                            + "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration");
        }
        if (environment.getProperty("spring.ai.openai.api-key", "").isBlank()) {
            overrides.put("spring.ai.openai.api-key", "not-configured");
        }
        if (environment.getProperty("spring.ai.openai.base-url", "").isBlank()) {
            overrides.put("spring.ai.openai.base-url", "https://api.openai.com/v1");
        }
        if (!overrides.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("agentforge-agent-defaults", overrides));
        }
    }
}
