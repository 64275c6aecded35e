package io.agentforge.web;

import java.util.List;

/** Paths every Agent Forge service answers without credentials: health, metrics, the API description, errors. */
public final class PublicPaths {

    /** Ant-style patterns for Spring Security's {@code requestMatchers(…)}. */
    public static final List<String> OPERATIONS = List.of(
            "/actuator/health",
            "/actuator/health/**",
            "/actuator/prometheus",
            "/v3/api-docs",
            "/v3/api-docs/**",
            "/swagger-ui.html",
            "/swagger-ui/**",
            "/error");

    private PublicPaths() {}

    /** {@link #OPERATIONS} as an array. */
    public static String[] operations() {
        return OPERATIONS.toArray(String[]::new);
    }
}
