package io.agentforge.starter;

import io.agentforge.client.RegistryException;
import io.agentforge.registry.api.ForgeHeaders;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Role;
import io.agentforge.web.BearerCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Lets a call to the functions through only with a valid credential: a JWT the registry issued for this service
 * ({@code Authorization: Bearer <jwt>}, verified locally by {@link ForgeTokenVerifier}) or, only when
 * {@code agentforge.security.accept-api-keys=true}, an API key of any role ({@code Bearer af_…} or
 * {@code X-API-Key}, checked by {@link ApiKeyVerifier}). Missing, invalid, expired, misaddressed and revoked
 * credentials get 401, a key without a role 403, and 503 when the credential can't be checked (fail closed). The
 * verified caller is left in the request attribute {@link ForgeCaller#ATTRIBUTE}.
 */
class InboundKeyFilter extends OncePerRequestFilter {

    static final String API_KEY_HEADER = ForgeHeaders.API_KEY;
    private static final String CHALLENGE = "Bearer realm=\"agentforge\"";
    private static final Logger log = LoggerFactory.getLogger(InboundKeyFilter.class);

    private final ForgeTokenVerifier tokens;
    private final ApiKeyVerifier keys;
    private final boolean acceptApiKeys;
    private final RevokedKeys revoked;

    /** @param tokens null when no registry is configured: tokens are then refused with 503 */
    InboundKeyFilter(ForgeTokenVerifier tokens, ApiKeyVerifier keys, boolean acceptApiKeys, RevokedKeys revoked) {
        this.tokens = tokens;
        this.keys = keys;
        this.acceptApiKeys = acceptApiKeys;
        this.revoked = revoked;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String credential = presentedKey(request);
        if (credential == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
            ForgeProblems.write(
                    response,
                    ForgeProblems.of(
                            HttpStatus.UNAUTHORIZED,
                            ForgeProblems.UNAUTHORIZED,
                            "Unauthorized",
                            "A token is required: send 'Authorization: Bearer <token>' with a token for this"
                                    + " service from the registry's /oauth2/token"));
            return;
        }
        ForgeCaller caller;
        try {
            caller = credential.startsWith("af_") ? apiKeyCaller(credential) : tokenCaller(credential);
        } catch (TokenRefusedException e) {
            if (e.status() == HttpStatus.UNAUTHORIZED) {
                response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE + ", error=\"invalid_token\"");
            } else if (e.status() == HttpStatus.SERVICE_UNAVAILABLE) {
                response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            }
            ForgeProblems.write(response, ForgeProblems.of(e.status(), e.type(), title(e.status()), e.getMessage()));
            return;
        }
        request.setAttribute(ForgeCaller.ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    private ForgeCaller tokenCaller(String token) {
        if (tokens == null) {
            throw new TokenRefusedException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ForgeProblems.UNAVAILABLE,
                    "Token checks are on but no registry is configured to verify tokens against: set"
                            + " agentforge.registry-url, or agentforge.security.enabled=false");
        }
        return tokens.verify(token);
    }

    private ForgeCaller apiKeyCaller(String key) {
        if (!acceptApiKeys) {
            throw TokenRefusedException.unauthorized("API keys are not accepted here: exchange yours at the registry's"
                    + " /oauth2/token for a token with this service as audience (a service may allow keys with"
                    + " agentforge.security.accept-api-keys=true)");
        }
        IntrospectionResult result;
        try {
            result = keys.verify(key);
        } catch (RegistryException e) {
            // Never guess: a key that can't be checked is refused, and the caller may retry.
            if (e.isTransient()) {
                log.warn("Could not check a caller's API key: {}", e.problem());
            } else {
                log.error(
                        "The registry refused to check a caller's API key (is agentforge.api-key a valid"
                                + " service key?): {}",
                        e.problem());
            }
            throw new TokenRefusedException(
                    HttpStatus.SERVICE_UNAVAILABLE,
                    ForgeProblems.UNAVAILABLE,
                    "The API key could not be checked right now; try again later");
        }
        if (result == null || !result.active() || revoked.isRevoked(result.keyId())) {
            throw TokenRefusedException.unauthorized("The API key is not valid: unknown, revoked or malformed");
        }
        if (result.roles().stream().noneMatch(role -> role.includes(Role.CLIENT))) {
            throw new TokenRefusedException(
                    HttpStatus.FORBIDDEN,
                    ForgeProblems.FORBIDDEN,
                    "The API key of " + result.keyId() + " has no role that may call functions");
        }
        return new ForgeCaller("key:" + result.keyId(), result.principal(), result.roles(), List.of());
    }

    private static String title(HttpStatus status) {
        return switch (status) {
            case UNAUTHORIZED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case SERVICE_UNAVAILABLE -> "Service unavailable";
            default -> status.getReasonPhrase();
        };
    }

    /** The credential from {@code Authorization: Bearer} or else {@code X-API-Key}; null when neither carries one. */
    static String presentedKey(HttpServletRequest request) {
        return BearerCredentials.presented(request);
    }
}
