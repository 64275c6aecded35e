package io.agentforge.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class TracingEnvironmentTests {

    private static StandardEnvironment environment(Map<String, Object> settings) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", settings));
        new TracingEnvironment().postProcessEnvironment(environment, new SpringApplication());
        return environment;
    }

    @Test
    void withoutAnEndpointNothingIsExportedOrSampled() {
        StandardEnvironment environment = environment(Map.of());

        assertThat(environment.getProperty(TracingEnvironment.BOOT_ENDPOINT)).isNull();
        assertThat(environment.getProperty(TracingEnvironment.BOOT_SAMPLING)).isEqualTo("0.0");
    }

    @Test
    void aBlankEndpointIsNoEndpoint() {
        StandardEnvironment environment = environment(Map.of("AGENTFORGE_OTLP_ENDPOINT", " "));

        assertThat(environment.getProperty(TracingEnvironment.BOOT_ENDPOINT)).isNull();
    }

    @Test
    void theOneSettingSendsEverySpanToTheCollectorsTracesPath() {
        StandardEnvironment environment = environment(Map.of("AGENTFORGE_OTLP_ENDPOINT", "http://collector:4318/"));

        assertThat(environment.getProperty(TracingEnvironment.BOOT_ENDPOINT))
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(environment.getProperty(TracingEnvironment.BOOT_SAMPLING)).isEqualTo("1.0");
    }

    @Test
    void samplingIsASetting() {
        StandardEnvironment environment = environment(
                Map.of("agentforge.otlp.endpoint", "http://collector:4318", "agentforge.tracing.sampling", "0.1"));

        assertThat(environment.getProperty(TracingEnvironment.BOOT_SAMPLING)).isEqualTo("0.1");
    }

    @Test
    void springBootsOwnSettingsWin() {
        StandardEnvironment environment = environment(
                Map.of("AGENTFORGE_OTLP_ENDPOINT", "http://collector:4318", TracingEnvironment.BOOT_SAMPLING, "0.5"));

        assertThat(environment.getProperty(TracingEnvironment.BOOT_SAMPLING)).isEqualTo("0.5");
    }

    @Test
    void aBadEndpointOrSamplingStopsTheStartWithAClearMessage() {
        assertThatThrownBy(() -> environment(Map.of("AGENTFORGE_OTLP_ENDPOINT", "collector:4318")))
                .hasMessageContaining("must be an http(s) URL");
        assertThatThrownBy(() -> environment(Map.of("AGENTFORGE_OTLP_ENDPOINT", "http://user:secret@collector")))
                .hasMessageContaining("must not carry credentials");
        assertThatThrownBy(() -> environment(
                        Map.of("AGENTFORGE_OTLP_ENDPOINT", "http://collector", "AGENTFORGE_TRACING_SAMPLING", "2")))
                .hasMessageContaining("from 0.0 to 1.0");
    }
}
