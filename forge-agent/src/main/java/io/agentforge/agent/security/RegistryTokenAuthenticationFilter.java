package io.agentforge.agent.security;

import io.agentforge.registry.api.ForgeHeaders;
import io.agentforge.starter.ForgeCaller;
import io.agentforge.starter.ForgeTokenVerifier;
import io.agentforge.starter.TokenRefusedException;
import io.agentforge.web.BearerCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates tokens the registry issued for this agent ({@code Authorization: Bearer <jwt>} with {@code aud} = the
 * agent's service name), verified locally against the registry's JWKS with the starter's {@link ForgeTokenVerifier}:
 * signature, audience, expiry, a role of at least {@code client}, no revoked key named. The token's {@code sub} (the
 * end user) becomes the {@link Caller}; the token itself is kept to be exchanged onward for tool calls. API keys and
 * tokens of the external OpenID Connect issuer are left to the other filters.
 */
final class RegistryTokenAuthenticationFilter extends OncePerRequestFilter {

    private final ForgeTokenVerifier verifier;
    private final Predicate<String> externalIssuerToken;
    private final AuthenticationEntryPoint entryPoint;

    /**
     * @param verifier            null when no registry is configured: tokens are then answered with 503
     * @param externalIssuerToken whether a token claims to come from the external issuer (left to the resource server)
     */
    RegistryTokenAuthenticationFilter(
            ForgeTokenVerifier verifier, Predicate<String> externalIssuerToken, AuthenticationEntryPoint entryPoint) {
        this.verifier = verifier;
        this.externalIssuerToken = externalIssuerToken;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = BearerCredentials.presented(request);
        if (token == null || ForgeHeaders.isApiKey(token) || externalIssuerToken.test(token)) {
            chain.doFilter(request, response);
            return;
        }
        if (verifier == null) {
            entryPoint.commence(
                    request,
                    response,
                    new AuthenticationServiceException(
                            "No registry is configured to" + " verify tokens against (agentforge.registry-url)"));
            return;
        }
        ForgeCaller verified;
        try {
            verified = verifier.verify(token);
        } catch (TokenRefusedException e) {
            entryPoint.commence(
                    request,
                    response,
                    e.status() == HttpStatus.SERVICE_UNAVAILABLE
                            ? new AuthenticationServiceException(e.getMessage())
                            : new BadCredentialsException(e.getMessage()));
            return;
        }
        String name = verified.name().isBlank() ? verified.principal() : verified.name();
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                new Caller(verified.principal(), name, token),
                null,
                List.of(new SimpleGrantedAuthority("ROLE_CALLER"))));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }
}
