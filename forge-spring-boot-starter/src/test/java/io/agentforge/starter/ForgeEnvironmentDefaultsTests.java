package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class ForgeEnvironmentDefaultsTests {

    private static StandardEnvironment environment(Map<String, Object> variables, Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("variables", variables));
        environment.getPropertySources().addFirst(new MapPropertySource("application", properties));
        new ForgeEnvironmentDefaults().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void theDocumentedVariablesFeedTheSettings() {
        StandardEnvironment environment = environment(
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        "http://registry:8081",
                        "AGENTFORGE_API_KEY",
                        "af_k_s",
                        "AGENTFORGE_ENDPOINT",
                        "http://calculator:8083"),
                Map.of());
        assertThat(environment.getProperty("agentforge.registry-url")).isEqualTo("http://registry:8081");
        assertThat(environment.getProperty("agentforge.api-key")).isEqualTo("af_k_s");
        assertThat(environment.getProperty("agentforge.service.endpoint")).isEqualTo("http://calculator:8083");
    }

    @Test
    void configuredValuesWin() {
        StandardEnvironment environment = environment(
                Map.of("AGENTFORGE_REGISTRY_URL", "http://registry:8081"),
                Map.of("agentforge.registry-url", "http://other:9000"));
        assertThat(environment.getProperty("agentforge.registry-url")).isEqualTo("http://other:9000");
    }

    @Test
    void withoutVariablesTheSettingsAreEmpty() {
        StandardEnvironment environment = environment(Map.of(), Map.of());
        assertThat(environment.getProperty("agentforge.api-key")).isEmpty();
    }
}
