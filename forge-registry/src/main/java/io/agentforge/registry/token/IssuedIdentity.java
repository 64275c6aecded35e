package io.agentforge.registry.token;

import java.util.List;
import java.util.Map;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * The identity an issued token carries, handed through Spring Authorization Server's token context to
 * {@link TokenClaims}: the subject, the audience, and the actor chain ({@code act}, null when the caller acts for
 * itself).
 */
final class IssuedIdentity extends AbstractAuthenticationToken {

    private final Subject subject;
    private final String audience;
    private final Map<String, Object> act;

    IssuedIdentity(Subject subject, String audience, Map<String, Object> act) {
        super(List.of());
        this.subject = subject;
        this.audience = audience;
        this.act = act == null ? null : Map.copyOf(act);
        setAuthenticated(true);
    }

    Subject subject() {
        return subject;
    }

    String audience() {
        return audience;
    }

    Map<String, Object> act() {
        return act;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return subject.principal();
    }

    @Override
    public String getName() {
        return subject.principal();
    }
}
