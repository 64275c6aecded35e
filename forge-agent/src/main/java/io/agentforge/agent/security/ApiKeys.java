package io.agentforge.agent.security;

import jakarta.servlet.http.HttpServletRequest;

import java.util.Locale;

/** Where an Agent Forge API key may be presented. */
final class ApiKeys {

    static final String PREFIX = "af_";

    private ApiKeys() {
    }

    /** The {@code af_…} key of the request, or null. */
    static String presented(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.length() > 7 && header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            String token = header.substring(7).trim();
            return token.startsWith(PREFIX) ? token : null;
        }
        String apiKey = request.getHeader("X-API-Key");
        return apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }
}
