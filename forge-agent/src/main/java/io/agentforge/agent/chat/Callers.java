package io.agentforge.agent.chat;

import io.agentforge.agent.security.Caller;
import io.agentforge.agent.tooling.OnBehalfOf;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/** Who asks, from the request's authentication, and for whom their tool calls are made: one rule for every API. */
public final class Callers {

    private Callers() {}

    /** The caller; {@link Caller#ANONYMOUS} only without authentication, which only security switched off allows. */
    public static Caller caller(Authentication authentication) {
        if (authentication == null) {
            return Caller.ANONYMOUS;
        }
        if (authentication.getPrincipal() instanceof Caller caller) {
            return caller;
        }
        if (authentication instanceof JwtAuthenticationToken jwt) {
            return new Caller(
                    "jwt:" + jwt.getToken().getIssuer() + "#" + jwt.getToken().getSubject(),
                    jwt.getName(),
                    jwt.getToken().getTokenValue());
        }
        // Never fall back to the agent's own identity for someone who did authenticate somehow.
        throw new IllegalStateException(
                "Unexpected authentication " + authentication.getClass().getSimpleName());
    }

    /**
     * Tools are called for the person who asked, with the credential they presented as the token exchange's subject;
     * only without security (no person) does the agent call them for itself.
     */
    public static OnBehalfOf onBehalfOf(Caller caller) {
        return Caller.ANONYMOUS.equals(caller) ? OnBehalfOf.AGENT_ITSELF : OnBehalfOf.user(caller.credential());
    }
}
