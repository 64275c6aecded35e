package io.agentforge.registry.web;

import jakarta.servlet.http.HttpServletResponse;

/** For filters that answer a hot request themselves, ahead of Spring Security: the headers its writer adds. */
public final class DirectAnswers {

    private DirectAnswers() {}

    /**
     * The headers Spring Security's header writer gives every answer; {@code cacheControl} null means its no-store
     * default, otherwise that value (the writer leaves a Cache-Control the application set alone).
     */
    public static void securityHeaders(HttpServletResponse response, String cacheControl) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-XSS-Protection", "0");
        response.setHeader("X-Frame-Options", "DENY");
        if (cacheControl == null) {
            response.setHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
            response.setHeader("Pragma", "no-cache");
            response.setHeader("Expires", "0");
        } else {
            response.setHeader("Cache-Control", cacheControl);
        }
    }
}
