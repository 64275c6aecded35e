package io.agentforge.web;

import io.agentforge.registry.api.ForgeHeaders;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.http.HttpHeaders;

/**
 * The credential a caller presents: {@code Authorization: Bearer <credential>}, else {@code X-API-Key: <key>}. What it
 * is (an {@code af_} key or a JWT) is for the caller of this class to decide.
 */
public final class BearerCredentials {

    private static final String BEARER = "bearer ";

    private BearerCredentials() {}

    /** The presented credential, stripped; null when neither header carries one. */
    public static String presented(HttpServletRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null
                && authorization.length() > BEARER.length()
                && authorization
                        .substring(0, BEARER.length())
                        .toLowerCase(Locale.ROOT)
                        .equals(BEARER)) {
            String token = authorization.substring(BEARER.length()).strip();
            if (!token.isEmpty()) {
                return token;
            }
        }
        String header = request.getHeader(ForgeHeaders.API_KEY);
        return header == null || header.isBlank() ? null : header.strip();
    }

    /** The presented credential when it is an Agent Forge API key ({@code af_…}); null otherwise. */
    public static String presentedApiKey(HttpServletRequest request) {
        String credential = presented(request);
        return ForgeHeaders.isApiKey(credential) ? credential : null;
    }
}
