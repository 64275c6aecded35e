package io.agentforge.agent.security;

import com.nimbusds.jwt.JWTParser;
import io.agentforge.agent.config.AgentProperties;
import io.agentforge.agent.web.Problems;
import io.agentforge.client.KeyIntrospector;
import io.agentforge.registry.api.ForgeHeaders;
import io.agentforge.starter.ForgeTokenVerifier;
import io.agentforge.web.BearerCredentials;
import io.agentforge.web.PublicPaths;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
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

/**
 * Callers need one of: a token the registry issued for this agent ({@code aud} = the agent's service name, verified
 * locally against the registry's JWKS by the starter's {@link ForgeTokenVerifier}; how the console calls), an Agent
 * Forge key (checked through the registry's introspection; how a person calls directly), or, when an issuer is
 * configured, an OAuth2 JWT from it with the configured audience. Whatever the caller presented is kept as the
 * subject of the token exchanges for its tool calls. Stateless: no sessions or cookies, so no CSRF.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final String AGENT_CARD = "/.well-known/agent-card.json";

    @Bean
    SecurityFilterChain agentSecurity(
            HttpSecurity http,
            KeyIntrospector introspector,
            JsonMapper json,
            ObjectProvider<ForgeTokenVerifier> registryTokens,
            AgentProperties properties)
            throws Exception {
        boolean enabled = properties.security().enabled();
        String issuer = properties.security().issuer();
        String audience = properties.security().audience();
        if (enabled && !issuer.isBlank() && audience.isBlank()) {
            throw new IllegalStateException("agentforge.agent.security.jwt-audience"
                    + " (AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE) is required when"
                    + " agentforge.agent.security.jwt-issuer-uri (AGENTFORGE_JWT_ISSUER_URI) is set: the audience the"
                    + " issuer puts in tokens meant for this agent; without it any token of that issuer would do");
        }
        AuthenticationEntryPoint entryPoint = (request, response, ex) -> {
            if (ex instanceof AuthenticationServiceException) {
                // The registry or the token issuer could not be asked: not the caller's fault, try again later.
                writeProblem(response, json, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", ex.getMessage());
                return;
            }
            writeProblem(
                    response,
                    json,
                    HttpStatus.UNAUTHORIZED,
                    "unauthorized",
                    ex.getMessage() != null && BearerCredentials.presented(request) != null
                            ? ex.getMessage()
                            : "A token from the registry for this agent, a client API key ('Authorization: Bearer"
                                    + " af_…' or 'X-API-Key') or a JWT is required");
        };
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.disable())
                .formLogin(f -> f.disable())
                .logout(l -> l.disable())
                .requestCache(c -> c.disable())
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint));
        if (!enabled) {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).anonymous(a -> a.principal(Caller.ANONYMOUS));
            return http.build();
        }
        Predicate<String> external = externalIssuerToken(issuer);
        http.addFilterBefore(
                        new ApiKeyAuthenticationFilter(introspector, entryPoint), AnonymousAuthenticationFilter.class)
                .addFilterBefore(
                        new RegistryTokenAuthenticationFilter(registryTokens.getIfAvailable(), external, entryPoint),
                        AnonymousAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                        .permitAll()
                        .requestMatchers(PublicPaths.operations())
                        .permitAll()
                        // The A2A agent card says how to authenticate, so it can't need authentication itself.
                        .requestMatchers(HttpMethod.GET, AGENT_CARD)
                        .permitAll()
                        .anyRequest()
                        .authenticated());
        if (!issuer.isBlank()) {
            // Keys and the registry's tokens have their own filters: only the issuer's JWTs go to the resource server.
            DefaultBearerTokenResolver bearer = new DefaultBearerTokenResolver();
            BearerTokenResolver jwtOnly = request -> {
                String token = bearer.resolve(request);
                return token == null || ForgeHeaders.isApiKey(token) || !external.test(token) ? null : token;
            };
            http.oauth2ResourceServer(o -> o.bearerTokenResolver(jwtOnly)
                            .authenticationEntryPoint(entryPoint)
                            .jwt(j -> j.decoder(new SupplierJwtDecoder(() -> decoder(issuer, audience)))))
                    // The resource server lets "could not verify" escape as an exception: answer it as a 503.
                    .addFilterBefore(new IssuerUnavailableFilter(entryPoint), BearerTokenAuthenticationFilter.class);
        }
        return http.build();
    }

    /**
     * Whether a bearer token says it comes from the external issuer ({@code iss}, read without verifying): such
     * tokens go to the resource server, every other JWT to the registry's verifier. Each path verifies fully, so a
     * token that lies about its issuer only picks the check it fails.
     */
    static Predicate<String> externalIssuerToken(String issuer) {
        if (issuer == null || issuer.isBlank()) {
            return token -> false;
        }
        String expected = withoutTrailingSlash(issuer.strip());
        return token -> {
            try {
                String claimed = JWTParser.parse(token).getJWTClaimsSet().getIssuer();
                return claimed != null && withoutTrailingSlash(claimed).equals(expected);
            } catch (ParseException | RuntimeException e) {
                return false;
            }
        };
    }

    private static String withoutTrailingSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }

    /** Issuer, expiry and signature as usual, plus a subject (it owns conversations) and, when set, the audience. */
    static JwtDecoder decoder(String issuer, String audience) {
        NimbusJwtDecoder decoder = JwtDecoders.fromIssuerLocation(issuer);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(JwtValidators.createDefaultWithIssuer(issuer));
        validators.add(new JwtClaimValidator<String>(JwtClaimNames.SUB, sub -> sub != null && !sub.isBlank()));
        if (audience != null && !audience.isBlank()) {
            validators.add(new JwtClaimValidator<List<String>>(
                    JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience.strip())));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    static void writeProblem(
            HttpServletResponse response, JsonMapper json, HttpStatus status, String kind, String detail)
            throws IOException {
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
                entryPoint.commence(
                        request,
                        response,
                        new AuthenticationServiceException(
                                "The token issuer could not be reached to verify the token"));
            }
        }
    }
}
