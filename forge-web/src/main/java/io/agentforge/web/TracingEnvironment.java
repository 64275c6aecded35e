package io.agentforge.web;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Turns tracing on with one setting in every Agent Forge service: {@code agentforge.otlp.endpoint} (environment
 * {@code AGENTFORGE_OTLP_ENDPOINT}), the base URL of an OTLP/HTTP collector such as {@code http://localhost:4318}.
 * When it is set, spans go to {@code <endpoint>/v1/traces}, sampled at {@code agentforge.tracing.sampling}
 * ({@code AGENTFORGE_TRACING_SAMPLING}, default 1.0). When it is not, no exporter exists and nothing is sampled, so
 * tracing costs next to nothing; trace ids still travel and still reach the logs.
 *
 * <p>Lowest precedence: Spring Boot's own {@code management.opentelemetry.tracing.export.otlp.endpoint} and
 * {@code management.tracing.sampling.probability}, when set, win.
 */
public class TracingEnvironment implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "agentforge-tracing";
    static final String ENDPOINT = "agentforge.otlp.endpoint";
    static final String SAMPLING = "agentforge.tracing.sampling";
    static final String BOOT_ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String BOOT_SAMPLING = "management.tracing.sampling.probability";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.getPropertySources().contains(SOURCE_NAME)) {
            return;
        }
        String endpoint = first(environment, ENDPOINT, "AGENTFORGE_OTLP_ENDPOINT");
        String sampling = first(environment, SAMPLING, "AGENTFORGE_TRACING_SAMPLING");
        Map<String, Object> settings = new HashMap<>();
        // Spring Security's observations would add a dozen filter-chain spans to every request, and their cost.
        settings.put("management.observations.enable.spring.security", "false");
        if (endpoint != null) {
            settings.put(BOOT_ENDPOINT, tracesUrl(endpoint));
            settings.put(BOOT_SAMPLING, sampling == null ? "1.0" : probability(sampling));
        } else if (environment.getProperty(BOOT_ENDPOINT) == null) {
            // No collector: nothing to sample for. Ids still propagate (unsampled) and still reach the logs.
            settings.put(BOOT_SAMPLING, "0.0");
        }
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, settings));
    }

    private static String first(ConfigurableEnvironment environment, String property, String variable) {
        String value = environment.getProperty(property);
        if (value == null || value.isBlank()) {
            value = environment.getProperty(variable);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** {@code <base>/v1/traces}; a URL that already names the traces path is kept. */
    static String tracesUrl(String endpoint) {
        URI uri;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            // The value is not echoed: a mistyped URL may hold a credential.
            throw new IllegalStateException(ENDPOINT + " (AGENTFORGE_OTLP_ENDPOINT) is not a URL", e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalStateException(ENDPOINT
                    + " must be an http(s) URL of an OTLP/HTTP collector, e.g. http://localhost:4318: " + endpoint);
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalStateException(ENDPOINT + " must not carry credentials, a query or a fragment");
        }
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        return base.endsWith("/v1/traces") ? base : base + "/v1/traces";
    }

    static String probability(String sampling) {
        double value;
        try {
            value = Double.parseDouble(sampling);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(SAMPLING + " must be a number from 0.0 to 1.0: " + sampling, e);
        }
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalStateException(SAMPLING + " must be a number from 0.0 to 1.0: " + sampling);
        }
        return Double.toString(value);
    }
}
