package io.agentforge.gateway.mcp;

import com.nimbusds.jwt.JWTParser;
import io.agentforge.client.RegistryException;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.starter.ApiKeyVerifier;
import io.agentforge.starter.ForgeCaller;
import io.agentforge.web.BearerCredentials;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.List;

/**
 * Finds the scope of a request's caller after the starter's inbound filter has verified its credential: for an API
 * key, the {@code services} of the registry's introspection answer (cached by the introspector, which the filter has
 * just asked); for a registry token, its {@code services} claim (the token's signature, audience and expiry are
 * already checked). A request the filter let through without a caller (checks off) sees everything, like every
 * other endpoint with checks off.
 */
public final class CallerScopes {

    private final ApiKeyVerifier keys;

    public CallerScopes(ApiKeyVerifier keys) {
        this.keys = keys;
    }

    /**
     * @throws ScopeUnavailableException when a key's scope can't be had from the registry right now
     */
    public CallerScope of(HttpServletRequest request) {
        if (!(request.getAttribute(ForgeCaller.ATTRIBUTE) instanceof ForgeCaller)) {
            return CallerScope.ALL;
        }
        String credential = BearerCredentials.presented(request);
        if (credential == null) {
            return CallerScope.ALL;
        }
        if (credential.startsWith("af_")) {
            IntrospectionResult result;
            try {
                result = keys.verify(credential);
            } catch (RegistryException e) {
                throw new ScopeUnavailableException();
            }
            if (result == null || !result.active()) {
                throw new ScopeUnavailableException();
            }
            return CallerScope.of(result.services());
        }
        try {
            List<String> services =
                    JWTParser.parse(credential).getJWTClaimsSet().getStringListClaim("services");
            return CallerScope.of(services);
        } catch (ParseException e) {
            // Verified by the filter a moment ago, so it parses; a "services" claim that is no list of strings is
            // no scope we can honour: see nothing rather than everything.
            return CallerScope.NONE;
        }
    }

    /** The caller's scope could not be checked: the request is refused rather than answered unscoped. */
    public static final class ScopeUnavailableException extends RuntimeException {
        ScopeUnavailableException() {
            super("The caller's scope could not be checked right now; try again later", null, false, false);
        }
    }
}
