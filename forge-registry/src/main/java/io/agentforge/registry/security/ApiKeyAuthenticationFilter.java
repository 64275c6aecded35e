package io.agentforge.registry.security;

import io.agentforge.web.BearerCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer af_…} or {@code X-API-Key: af_…}. A request without a key stays
 * anonymous (public endpoints still work); a request with a bad key is refused at once with 401.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private final ApiKeyService keys;
    private final AuthenticationEntryPoint entryPoint;
    private final boolean enabled;

    ApiKeyAuthenticationFilter(ApiKeyService keys, AuthenticationEntryPoint entryPoint, boolean enabled) {
        this.keys = keys;
        this.entryPoint = entryPoint;
        this.enabled = enabled;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!enabled) {
            authenticate(ApiKeyPrincipal.ANONYMOUS_ADMIN);
            chain.doFilter(request, response);
            return;
        }
        Optional<String> presented = presentedKey(request);
        if (presented.isPresent()) {
            Optional<ApiKeyPrincipal> principal = keys.authenticate(presented.get());
            if (principal.isEmpty()) {
                SecurityContextHolder.clearContext();
                entryPoint.commence(
                        request, response, new BadCredentialsException("The API key is malformed, unknown or revoked"));
                return;
            }
            authenticate(principal.get());
        }
        chain.doFilter(request, response);
    }

    private static void authenticate(ApiKeyPrincipal principal) {
        var authorities = principal.roles().stream()
                .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                .toList();
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities));
        SecurityContextHolder.setContext(context);
    }

    static Optional<String> presentedKey(HttpServletRequest request) {
        return Optional.ofNullable(BearerCredentials.presented(request));
    }
}
