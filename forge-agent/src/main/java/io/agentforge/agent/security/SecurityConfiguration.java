package io.agentforge.agent.security;

import io.agentforge.agent.web.Problems;
import io.agentforge.client.KeyIntrospector;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Callers need an Agent Forge key with the client role (checked through the registry) or, when an issuer is
 * configured, an OAuth2 JWT from it. Stateless: no sessions or cookies, so no CSRF.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain agentSecurity(HttpSecurity http, KeyIntrospector introspector, JsonMapper json,
                                      @Value("${agentforge.agent.security.enabled:true}") boolean enabled,
                                      @Value("${agentforge.agent.security.jwt-issuer-uri:}") String issuer)
            throws Exception {
        AuthenticationEntryPoint entryPoint = (request, response, ex) -> {
            ProblemDetail problem = Problems.of(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized",
                    ex.getMessage() != null && ApiKeys.presented(request) != null ? ex.getMessage()
                            : "A client API key ('Authorization: Bearer af_…' or 'X-API-Key') or a JWT is required");
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer realm=\"agent-forge\"");
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            json.writeValue(response.getOutputStream(), problem);
        };
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable()).formLogin(f -> f.disable()).logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint));
        if (!enabled) {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll())
                    .anonymous(a -> a.principal(Caller.ANONYMOUS));
            return http.build();
        }
        http.addFilterBefore(new ApiKeyAuthenticationFilter(introspector, entryPoint), AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/prometheus",
                                "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error")
                        .permitAll()
                        .anyRequest().authenticated());
        if (!issuer.isBlank()) {
            // API keys are Bearer tokens too: leave them to the key filter, only JWTs go to the resource server.
            DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
            BearerTokenResolver jwtOnly = request -> {
                String token = bearer.resolve(request);
                return token == null || token.startsWith(ApiKeys.PREFIX) ? null : token;
            };
            http.oauth2ResourceServer(o -> o.bearerTokenResolver(jwtOnly).authenticationEntryPoint(entryPoint)
                    .jwt(j -> j.decoder(new SupplierJwtDecoder(() -> JwtDecoders.fromIssuerLocation(issuer)))));
        }
        return http.build();
    }
}
