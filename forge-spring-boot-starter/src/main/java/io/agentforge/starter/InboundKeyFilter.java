package io.agentforge.starter;

import io.agentforge.client.RegistryException;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ForgeHeaders;
import io.agentforge.web.BearerCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Lets a call to the functions through only with a valid key of any role (a {@code client} key or better), sent as
 * {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}. Missing or invalid keys get 401, a key without a
 * role 403, and 503 when the key can't be checked (fail closed). The verified caller is left in the request
 * attribute {@link #CALLER_ATTRIBUTE}.
 */
class InboundKeyFilter extends OncePerRequestFilter {

    static final String CALLER_ATTRIBUTE = InboundKeyFilter.class.getName() + ".caller";
    static final String API_KEY_HEADER = ForgeHeaders.API_KEY;
    private static final String CHALLENGE = "Bearer realm=\"agentforge\"";
    private static final Logger log = LoggerFactory.getLogger(InboundKeyFilter.class);

    private final ApiKeyVerifier verifier;

    InboundKeyFilter(ApiKeyVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = presentedKey(request);
        if (key == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
            ForgeProblems.write(response, ForgeProblems.of(HttpStatus.UNAUTHORIZED, ForgeProblems.UNAUTHORIZED,
                    "Unauthorized", "An API key is required: send 'Authorization: Bearer <key>' or '"
                            + API_KEY_HEADER + ": <key>'"));
            return;
        }
        IntrospectionResult caller;
        try {
            caller = verifier.verify(key);
        } catch (RegistryException e) {
            // Never guess: a key that can't be checked is refused, and the caller may retry.
            if (e.isTransient()) {
                log.warn("Could not check a caller's API key: {}", e.problem());
            } else {
                log.error("The registry refused to check a caller's API key (is agentforge.api-key a valid"
                        + " service key?): {}", e.problem());
            }
            response.setHeader(HttpHeaders.RETRY_AFTER, "5");
            ForgeProblems.write(response, ForgeProblems.of(HttpStatus.SERVICE_UNAVAILABLE, ForgeProblems.UNAVAILABLE,
                    "Service unavailable", "The API key could not be checked right now; try again later"));
            return;
        }
        if (caller == null || !caller.active()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE + ", error=\"invalid_token\"");
            ForgeProblems.write(response, ForgeProblems.of(HttpStatus.UNAUTHORIZED, ForgeProblems.UNAUTHORIZED,
                    "Unauthorized", "The API key is not valid: unknown, revoked or malformed"));
            return;
        }
        if (caller.roles().stream().noneMatch(role -> role.includes(Role.CLIENT))) {
            ForgeProblems.write(response, ForgeProblems.of(HttpStatus.FORBIDDEN, ForgeProblems.FORBIDDEN,
                    "Forbidden", "The API key of " + caller.keyId() + " has no role that may call functions"));
            return;
        }
        request.setAttribute(CALLER_ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    /** The key from {@code Authorization: Bearer} or else {@code X-API-Key}; null when neither carries one. */
    static String presentedKey(HttpServletRequest request) {
        return BearerCredentials.presented(request);
    }
}
