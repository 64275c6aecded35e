package io.agentforge.starter;

import io.agentforge.registry.api.Role;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * The verified caller of a function: the end user a token was issued for and the services that act for them.
 * Available to tool code as {@link #current()} while a function call is served, and as
 * {@link PublishedFunction#CALLER_CONTEXT_KEY} in a Spring AI {@code ToolContext} parameter.
 *
 * @param principal  who the call is for: {@code key:<keyId>} for an API key, {@code jwt:<sub>} for a user of an
 *                   external OpenID Connect issuer (the token's {@code sub})
 * @param name       display name of the principal, may be empty
 * @param roles      the principal's roles
 * @param actorChain the services acting for the principal, the immediate caller first (the token's {@code act},
 *                   {@code act.act}, ...); empty when the principal called itself
 */
public record ForgeCaller(String principal, String name, Set<Role> roles, List<String> actorChain) {

    /** Request attribute holding the caller of the current function call. */
    public static final String ATTRIBUTE = ForgeCaller.class.getName();

    public ForgeCaller {
        if (principal == null || principal.isBlank()) {
            throw new IllegalArgumentException("principal is required");
        }
        name = name == null ? "" : name;
        roles = roles == null ? Set.of() : Set.copyOf(roles);
        actorChain = actorChain == null ? List.of() : List.copyOf(actorChain);
    }

    /** Whether the principal has the role, or one that includes it. */
    public boolean hasRole(Role role) {
        return roles.stream().anyMatch(r -> r.includes(role));
    }

    /** The service that sent the call: the first actor, or the principal itself. */
    public String immediateCaller() {
        return actorChain.isEmpty() ? principal : actorChain.getFirst();
    }

    /** The caller of the function call this thread is serving; empty outside one or when checks are off. */
    public static Optional<ForgeCaller> current() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes == null) {
            return Optional.empty();
        }
        return attributes.getAttribute(ATTRIBUTE, RequestAttributes.SCOPE_REQUEST) instanceof ForgeCaller caller
                ? Optional.of(caller)
                : Optional.empty();
    }
}
