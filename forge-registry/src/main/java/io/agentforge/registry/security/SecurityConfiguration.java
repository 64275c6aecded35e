package io.agentforge.registry.security;

import io.agentforge.registry.web.Problems;
import io.agentforge.web.PublicPaths;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/** API-key security: stateless, no sessions or cookies, so no CSRF; 401/403 answered as problem details. */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    ApiKeyService apiKeyService(
            ApiKeyStore store, Clock clock, SecurityProperties properties, KeyRevocations revocations) {
        return new ApiKeyService(store, clock, properties, revocations);
    }

    @Bean
    ApplicationRunner bootstrapAdminKey(ApiKeyService keys, SecurityProperties properties) {
        return args -> {
            if (properties.enabled()) {
                keys.bootstrap(System.out);
            } else {
                log.warn("Security is OFF (agentforge.registry.security.enabled=false): every caller is admin."
                        + " Use this for local development only.");
            }
        };
    }

    @Bean
    RoleHierarchy roleHierarchy() {
        return RoleHierarchyImpl.withDefaultRolePrefix()
                .role("ADMIN")
                .implies("SERVICE")
                .role("SERVICE")
                .implies("CLIENT")
                .build();
    }

    /**
     * The default firewall, except that an encoded '/' (%2F) may appear in a path: the MCP Registry API names servers
     * {@code namespace/name} in one segment. Paths are matched segment-wise (path patterns) by both the security rules
     * and the controllers, so an encoded '/' never becomes a separator for either.
     */
    @Bean
    org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer encodedSlashFirewall() {
        var firewall = new org.springframework.security.web.firewall.StrictHttpFirewall();
        firewall.setAllowUrlEncodedSlash(true);
        return web -> web.httpFirewall(firewall);
    }

    @Bean
    SecurityFilterChain securityFilterChain(
            HttpSecurity http, ApiKeyService keys, SecurityProperties properties, JsonMapper mapper) throws Exception {
        AuthenticationEntryPoint entryPoint = (request, response, ex) -> write(
                mapper,
                response,
                Problems.of(
                        HttpStatus.UNAUTHORIZED,
                        Problems.UNAUTHORIZED,
                        "Unauthorized",
                        ApiKeyAuthenticationFilter.presentedKey(request).isPresent()
                                ? "The API key is malformed, unknown or revoked"
                                : "An API key is required: send 'Authorization: Bearer af_…' or 'X-API-Key: af_…'"));
        AccessDeniedHandler deniedHandler = (request, response, ex) -> write(
                mapper,
                response,
                Problems.of(
                        HttpStatus.FORBIDDEN,
                        Problems.FORBIDDEN,
                        "Forbidden",
                        "This API key's roles do not allow " + request.getMethod() + " " + request.getRequestURI()));
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .requestCache(cache -> cache.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint).accessDeniedHandler(deniedHandler))
                .addFilterBefore(
                        new ApiKeyAuthenticationFilter(keys, entryPoint, properties.enabled()),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(auth -> auth
                        // An SSE stream's async and error dispatches belong to a request already authorized.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(PublicPaths.operations())
                        .permitAll()
                        .requestMatchers(HttpMethod.POST, "/api/v1/instances")
                        .hasRole("SERVICE")
                        .requestMatchers(HttpMethod.PUT, "/api/v1/instances/*/lease")
                        .hasRole("SERVICE")
                        .requestMatchers(HttpMethod.DELETE, "/api/v1/instances/*")
                        .hasRole("SERVICE")
                        .requestMatchers("/api/v1/auth/introspect")
                        .hasRole("SERVICE")
                        .requestMatchers("/api/v1/keys", "/api/v1/keys/**")
                        .hasRole("ADMIN")
                        .requestMatchers("/api/v1/signing-keys/**")
                        .hasRole("ADMIN")
                        .requestMatchers(HttpMethod.DELETE, "/api/v1/services/*/owner")
                        .hasRole("ADMIN")
                        .requestMatchers("/api/v1/**")
                        .hasRole("CLIENT")
                        // The MCP Registry-compatible read API: read like the rest of discovery.
                        .requestMatchers(HttpMethod.GET, "/v0.1/servers", "/v0.1/servers/**")
                        .hasRole("CLIENT")
                        .anyRequest()
                        .hasRole("ADMIN"));
        return http.build();
    }

    private static void write(JsonMapper mapper, HttpServletResponse response, ProblemDetail problem)
            throws IOException {
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (problem.getStatus() == HttpStatus.UNAUTHORIZED.value()) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"agent-forge\"");
        }
        mapper.writeValue(response.getOutputStream(), problem);
    }
}
