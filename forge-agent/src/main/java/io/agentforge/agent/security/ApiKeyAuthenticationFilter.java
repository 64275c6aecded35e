package io.agentforge.agent.security;

import io.agentforge.client.KeyIntrospector;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.web.BearerCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates Agent Forge API keys ({@code af_…}, as Bearer or {@code X-API-Key}) by asking the registry, through
 * the client's short introspection cache. The key is kept in the {@link Caller}: it is the subject of the token
 * exchanges for the caller's tool calls (it never goes to a tool itself). Other bearer tokens are left to the JWT
 * filters.
 */
class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyAuthenticationFilter.class);

    private final KeyIntrospector introspector;
    private final AuthenticationEntryPoint entryPoint;

    ApiKeyAuthenticationFilter(KeyIntrospector introspector, AuthenticationEntryPoint entryPoint) {
        this.introspector = introspector;
        this.entryPoint = entryPoint;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String key = BearerCredentials.presentedApiKey(request);
        if (key == null) {
            chain.doFilter(request, response);
            return;
        }
        IntrospectionResult result;
        try {
            result = introspector.introspect(key);
        } catch (RuntimeException e) {
            log.warn("Could not check an API key with the registry: {}", e.toString());
            entryPoint.commence(
                    request,
                    response,
                    new AuthenticationServiceException("The registry could not be asked about this API key"));
            return;
        }
        if (!result.active()) {
            entryPoint.commence(request, response, new BadCredentialsException("The API key is not valid"));
            return;
        }
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                new Caller("key:" + result.keyId(), result.principal(), key),
                null,
                List.of(new SimpleGrantedAuthority("ROLE_CALLER"))));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }
}
