package io.agentforge.registry.token;

import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.security.ApiKeyService;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.web.authentication.ClientSecretBasicAuthenticationConverter;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2TokenExchangeAuthenticationConverter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The registry as the platform's token issuer, on Spring Authorization Server. Its own filter chain serves exactly
 * three endpoints — {@code POST /oauth2/token} (RFC 8693 token exchange only), {@code GET /oauth2/jwks} and
 * {@code GET /.well-known/oauth-authorization-server}; every other SAS endpoint (authorize, device, introspection,
 * revocation, OIDC) lies outside its matcher and is never reached.
 */
@Configuration(proxyBeanMethods = false)
class TokenIssuerConfiguration {

    static final String TOKEN_PATH = "/oauth2/token";
    static final String JWKS_PATH = "/oauth2/jwks";
    static final String METADATA_PATH = "/.well-known/oauth-authorization-server";

    @Bean(initMethod = "start")
    SigningKeys signingKeys(SigningKeyStore store, Clock clock, TokenProperties properties) {
        return new SigningKeys(store, clock, properties);
    }

    @Bean
    SigningKeyMaintenance signingKeyMaintenance(SigningKeys keys) {
        return new SigningKeyMaintenance(keys);
    }

    @Bean
    AuthorizationServerSettings authorizationServerSettings(TokenProperties properties) {
        AuthorizationServerSettings.Builder settings =
                AuthorizationServerSettings.builder().tokenEndpoint(TOKEN_PATH).jwkSetEndpoint(JWKS_PATH);
        if (properties.issuer() != null) {
            settings.issuer(properties.issuer());
        }
        return settings.build();
    }

    /** Verifies JWTs this registry issued (replaces Boot's default decoder, which would expect RS256). */
    @Bean
    JwtDecoder registryJwtDecoder(SigningKeys keys, Clock clock, TokenProperties properties) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSource(keys)
                .jwsAlgorithm(SignatureAlgorithm.ES256)
                .build();
        JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ZERO);
        expiry.setClock(clock);
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>(List.of(expiry));
        if (properties.issuer() != null) {
            validators.add(new JwtIssuerValidator(properties.issuer()));
        }
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
        return decoder;
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityFilterChain tokenIssuerFilterChain(
            HttpSecurity http,
            ApiKeyService keys,
            InstanceStore instances,
            SigningKeys signingKeys,
            JwtDecoder registryJwtDecoder,
            TokenProperties properties,
            ExternalIssuerProperties external,
            Clock clock) {
        ApiKeyRegisteredClients clients = new ApiKeyRegisteredClients(keys, properties);
        ServiceNames names = new ServiceNames(instances);
        JwtGenerator generator = new JwtGenerator(new NimbusJwtEncoder(signingKeys));
        generator.setClock(clock);
        generator.setJwtCustomizer(new TokenClaims(signingKeys));
        SubjectTokens subjects = new SubjectTokens(
                keys, registryJwtDecoder, externalDecoder(external, clock), external.jwtIssuerUri(), names);
        TokenExchangeProvider exchange = new TokenExchangeProvider(keys, subjects, names, generator);
        ApiKeyClientAuthentication.Provider clientAuthentication =
                new ApiKeyClientAuthentication.Provider(keys, clients);

        RequestMatcher token = PathPatternRequestMatcher.withDefaults().matcher(TOKEN_PATH);
        RequestMatcher jwks = PathPatternRequestMatcher.withDefaults().matcher(JWKS_PATH);
        RequestMatcher metadata = PathPatternRequestMatcher.withDefaults().matcher(METADATA_PATH);
        http.securityMatcher(new OrRequestMatcher(token, jwks, metadata))
                .oauth2AuthorizationServer(server -> server.registeredClientRepository(clients)
                        .tokenGenerator(generator)
                        .clientAuthentication(client -> client.authenticationConverters(converters -> {
                                    converters.clear();
                                    converters.add(new ApiKeyClientAuthentication.Converter());
                                    converters.add(new ClientSecretBasicAuthenticationConverter());
                                })
                                .authenticationProviders(providers -> {
                                    providers.clear();
                                    providers.add(clientAuthentication);
                                })
                                .errorResponseHandler((request, response, e) -> OAuthErrors.write(response, e)))
                        .tokenEndpoint(endpoint -> endpoint.accessTokenRequestConverters(converters -> {
                                    converters.clear();
                                    converters.add(new OAuth2TokenExchangeAuthenticationConverter());
                                })
                                .authenticationProviders(providers -> {
                                    providers.clear();
                                    providers.add(exchange);
                                })
                                .accessTokenResponseHandler(new TokenResponses())
                                .errorResponseHandler((request, response, e) -> OAuthErrors.write(response, e)))
                        .authorizationServerMetadataEndpoint(endpoint -> endpoint.authorizationServerMetadataCustomizer(
                                TokenIssuerConfiguration::onlyWhatIsServed)))
                .authorizeHttpRequests(authorize -> authorize
                        .requestMatchers(jwks, metadata)
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .exceptionHandling(exceptions ->
                        exceptions.authenticationEntryPoint((request, response, e) -> OAuthErrors.write(
                                response,
                                new OAuth2Error(
                                        OAuth2ErrorCodes.INVALID_CLIENT,
                                        "Client authentication is required:"
                                                + " send your API key as 'Authorization: Bearer af_…' or 'X-API-Key: af_…',"
                                                + " or use client_secret_basic (client_id = key id, client_secret = the"
                                                + " key)",
                                        null))));
        return http.build();
    }

    // SAS's metadata model insists on an authorization endpoint and a response type, so those two stay; everything
    // else describes what this chain serves.
    private static void onlyWhatIsServed(
            org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationServerMetadata.Builder
                    builder) {
        builder.claims(claims -> {
            claims.remove("revocation_endpoint");
            claims.remove("revocation_endpoint_auth_methods_supported");
            claims.remove("introspection_endpoint");
            claims.remove("introspection_endpoint_auth_methods_supported");
            claims.remove("code_challenge_methods_supported");
            claims.remove("tls_client_certificate_bound_access_tokens");
            claims.remove("dpop_signing_alg_values_supported");
            claims.put("grant_types_supported", List.of("urn:ietf:params:oauth:grant-type:token-exchange"));
            claims.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic"));
        });
    }

    private static JwtDecoder externalDecoder(ExternalIssuerProperties external, Clock clock) {
        if (!external.enabled()) {
            return null;
        }
        // Resolved on first use, so the registry starts while the issuer is unreachable.
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = JwtDecoders.fromIssuerLocation(external.jwtIssuerUri());
            JwtTimestampValidator expiry = new JwtTimestampValidator(Duration.ofSeconds(30));
            expiry.setClock(clock);
            decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
                    expiry,
                    new JwtIssuerValidator(external.jwtIssuerUri()),
                    new JwtAudienceValidator(external.jwtAudience())));
            return decoder;
        });
    }
}
