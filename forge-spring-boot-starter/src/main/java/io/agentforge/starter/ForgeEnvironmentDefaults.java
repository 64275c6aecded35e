package io.agentforge.starter;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Reads the documented environment variables ({@code AGENTFORGE_REGISTRY_URL}, {@code AGENTFORGE_API_KEY},
 * {@code AGENTFORGE_ENDPOINT}) in every application using the starter. Relaxed binding alone would not: it maps
 * {@code AGENTFORGE_REGISTRY_URL} to {@code agentforge.registry.url}. Lowest precedence, so any configured value wins.
 */
class ForgeEnvironmentDefaults implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "agentforge-environment-defaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(SOURCE_NAME)) {
            return;
        }
        environment
                .getPropertySources()
                .addLast(new MapPropertySource(
                        SOURCE_NAME,
                        Map.of(
                                "agentforge.registry-url", "${AGENTFORGE_REGISTRY_URL:}",
                                "agentforge.api-key", "${AGENTFORGE_API_KEY:}",
                                "agentforge.service.endpoint", "${AGENTFORGE_ENDPOINT:}")));
    }
}
