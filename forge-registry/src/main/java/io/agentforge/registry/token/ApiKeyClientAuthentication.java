package io.agentforge.registry.token;

import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.ApiKeyService;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Client authentication at the token endpoint with the caller's own API key: {@code Authorization: Bearer af_…},
 * {@code X-API-Key: af_…}, or {@code client_secret_basic} with client_id = key id and client_secret = the whole key.
 */
final class ApiKeyClientAuthentication {

    private ApiKeyClientAuthentication() {}

    /** Reads a key sent as a bearer token or {@code X-API-Key}; anything else is left to the next converter. */
    static final class Converter implements AuthenticationConverter {

        @Override
        public Authentication convert(HttpServletRequest request) {
            String key = null;
            String header = request.getHeader(HttpHeaders.AUTHORIZATION);
            if (header != null
                    && header.length() > 7
                    && header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                key = header.substring(7).strip();
            } else if (header == null) {
                String apiKey = request.getHeader("X-API-Key");
                key = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
            }
            if (key == null) {
                return null;
            }
            String keyId = keyId(key);
            if (keyId == null) {
                throw OAuthErrors.error(
                        OAuth2ErrorCodes.INVALID_CLIENT, "The client credential is not an API key af_<keyId>_<secret>");
            }
            return new OAuth2ClientAuthenticationToken(keyId, ApiKeyRegisteredClients.API_KEY, key, null);
        }
    }

    /** Checks the key (revoked keys fail at once) and answers with the client derived from it. */
    static final class Provider implements AuthenticationProvider {

        private final ApiKeyService keys;
        private final ApiKeyRegisteredClients clients;

        Provider(ApiKeyService keys, ApiKeyRegisteredClients clients) {
            this.keys = keys;
            this.clients = clients;
        }

        @Override
        public Authentication authenticate(Authentication authentication) {
            OAuth2ClientAuthenticationToken presented = (OAuth2ClientAuthenticationToken) authentication;
            ClientAuthenticationMethod method = presented.getClientAuthenticationMethod();
            if (!ApiKeyRegisteredClients.API_KEY.equals(method)
                    && !ClientAuthenticationMethod.CLIENT_SECRET_BASIC.equals(method)) {
                return null;
            }
            String secret = presented.getCredentials() instanceof String s ? s : null;
            ApiKeyPrincipal key = keys.authenticate(secret)
                    .orElseThrow(() -> OAuthErrors.error(
                            OAuth2ErrorCodes.INVALID_CLIENT, "The client's API key is malformed, unknown or revoked"));
            if (!key.keyId().equals(presented.getPrincipal())) {
                throw OAuthErrors.error(
                        OAuth2ErrorCodes.INVALID_CLIENT,
                        "client_id must be the key id of the API key sent as client_secret");
            }
            return new OAuth2ClientAuthenticationToken(clients.client(key), method, null);
        }

        @Override
        public boolean supports(Class<?> authentication) {
            return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
        }
    }

    /** The key id of {@code af_<keyId>_<secret>}, or null when it is not shaped like a key. */
    static String keyId(String key) {
        if (!key.startsWith("af_")) {
            return null;
        }
        int end = key.indexOf('_', 3);
        String keyId = end <= 3 ? null : key.substring(3, end);
        return keyId != null && keyId.matches("[a-z0-9]{8,32}") ? keyId : null;
    }
}
