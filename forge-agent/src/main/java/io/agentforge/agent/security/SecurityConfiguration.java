package io.agentforge.agent.security;

import io.agentforge.registry.api.ForgeHeaders;
import io.agentforge.web.BearerCredentials;
import io.agentforge.agent.web.Problems;
import io.agentforge.client.KeyIntrospector;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Callers need an Agent Forge key with the client role (checked through the registry) or, when an issuer is
 * configured, an OAuth2 JWT from it. Stateless: no sessions or cookies, so no CSRF.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);

    @Bean
    SecurityFilterChain agentSecurity(HttpSecurity http, KeyIntrospector introspector, JsonMapper json,
                                      @Value("${agentforge.agent.security.enabled:true}") boolean enabled,
                                      @Value("${agentforge.agent.security.jwt-issuer-uri:}") String issuer,
                                      @Value("${agentforge.agent.security.jwt-audience:}") String audience)
            throws Exception {
        AuthenticationEntryPoint entryPoint = (request, response, ex) -> {
            if (ex instanceof AuthenticationServiceException) {
                // The registry or the token issuer could not be asked: not the caller's fault, try again later.
                writeProblem(response, json, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", ex.getMessage());
                return;
            }
            writeProblem(response, json, HttpStatus.UNAUTHORIZED, "unauthorized",
                    ex.getMessage() != null && BearerCredentials.presentedApiKey(request) != null ? ex.getMessage()
                            : "A client API key ('Authorization: Bearer af_…' or 'X-API-Key') or a JWT is required");
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
                return token == null || ForgeHeaders.isApiKey(token) ? null : token;
            };
            http.oauth2ResourceServer(o -> o.bearerTokenResolver(jwtOnly).authenticationEntryPoint(entryPoint)
                            .jwt(j -> j.decoder(new SupplierJwtDecoder(() -> decoder(issuer, audience)))))
                    // The resource server lets "could not verify" escape as an exception: answer it as a 503.
                    .addFilterBefore(new IssuerUnavailableFilter(entryPoint), BearerTokenAuthenticationFilter.class);
        }
        return http.build();
    }

    /** Issuer, expiry and signature as usual, plus a subject (it owns conversations) and, when set, the audience. */
    static JwtDecoder decoder(String issuer, String audience) {
        NimbusJwtDecoder decoder = JwtDecoders.fromIssuerLocation(issuer);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(JwtValidators.createDefaultWithIssuer(issuer));
        validators.add(new JwtClaimValidator<String>(JwtClaimNames.SUB, sub -> sub != null && !sub.isBlank()));
        if (audience != null && !audience.isBlank()) {
            validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
                    aud -> aud != null && aud.contains(audience.strip())));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    static void writeProblem(HttpServletResponse response, JsonMapper json, HttpStatus status, String kind,
                             String detail) throws IOException {
        ProblemDetail problem = Problems.of(status, kind, status.getReasonPhrase(), detail);
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader("WWW-Authenticate", "Bearer realm=\"agent-forge\"");
        } else {
            response.setHeader("Retry-After", "5");
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }

    /** Turns a JWT that couldn't be checked (issuer or its keys unreachable) into a 503 problem. */
    static final class IssuerUnavailableFilter extends OncePerRequestFilter {

        private final AuthenticationEntryPoint entryPoint;

        IssuerUnavailableFilter(AuthenticationEntryPoint entryPoint) {
            this.entryPoint = entryPoint;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            try {
                chain.doFilter(request, response);
            } catch (AuthenticationServiceException | JwtDecoderInitializationException e) {
                if (response.isCommitted()) {
                    throw e;
                }
                log.warn("Could not verify a JWT: {}", e.toString());
                entryPoint.commence(request, response, new AuthenticationServiceException(
                        "The token issuer could not be reached to verify the token"));
            }
        }
    }
}
