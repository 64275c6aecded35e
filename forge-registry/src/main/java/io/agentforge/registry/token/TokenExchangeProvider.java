package io.agentforge.registry.token;

import io.agentforge.registry.api.Texts;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.ApiKeyService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.token.DefaultOAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.util.StringUtils;

/**
 * RFC 8693 token exchange for the platform. Spring Authorization Server's own provider only exchanges tokens it has
 * stored; this one accepts API keys, the registry's own JWTs and external OIDC JWTs as {@code subject_token}, keeps
 * no state, and lets SAS's {@link JwtGenerator} sign the result.
 */
class TokenExchangeProvider implements AuthenticationProvider {

    static final String JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";
    // RFC 8693 section 2.2.2; not among Spring Security's OAuth2ErrorCodes.
    static final String INVALID_TARGET = "invalid_target";

    private final ApiKeyService keys;
    private final SubjectTokens subjects;
    private final ServiceNames names;
    private final JwtGenerator generator;

    TokenExchangeProvider(ApiKeyService keys, SubjectTokens subjects, ServiceNames names, JwtGenerator generator) {
        this.keys = keys;
        this.subjects = subjects;
        this.names = names;
        this.generator = generator;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        OAuth2TokenExchangeAuthenticationToken request = (OAuth2TokenExchangeAuthenticationToken) authentication;
        if (!(request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client)
                || !client.isAuthenticated()
                || client.getRegisteredClient() == null) {
            throw OAuthErrors.error(OAuth2ErrorCodes.INVALID_CLIENT, "The client is not authenticated");
        }
        // Looked up again: a key revoked since client authentication is refused here too.
        ApiKeyPrincipal caller = keys.active(client.getRegisteredClient().getClientId())
                .orElseThrow(
                        () -> OAuthErrors.error(OAuth2ErrorCodes.INVALID_CLIENT, "The client's API key is revoked"));
        if (!request.getResources().isEmpty()) {
            throw OAuthErrors.error(
                    OAuth2ErrorCodes.INVALID_REQUEST, "resource is not supported: name the target service as audience");
        }
        if (StringUtils.hasText(request.getActorToken())) {
            throw OAuthErrors.error(
                    OAuth2ErrorCodes.INVALID_REQUEST,
                    "actor_token is not supported: the authenticated client is the actor");
        }
        if (request.getScopes() != null && !request.getScopes().isEmpty()) {
            throw OAuthErrors.error(OAuth2ErrorCodes.INVALID_SCOPE, "No scopes are issued; leave scope out");
        }
        if (request.getAudiences().size() != 1) {
            throw OAuthErrors.error(
                    OAuth2ErrorCodes.INVALID_REQUEST,
                    "audience is required exactly once: the name of" + " the service the token is for");
        }
        String audience = request.getAudiences().iterator().next();
        if (!names.isRegistered(audience)) {
            throw OAuthErrors.error(
                    INVALID_TARGET,
                    "audience '" + Texts.abbreviate(audience, 64) + "' is not a registered service name");
        }
        Subject subject = subjects.verify(request.getSubjectToken(), caller);

        String callerPrincipal = "key:" + caller.keyId();
        Map<String, Object> act = subject.act();
        if (!Objects.equals(subject.principal(), callerPrincipal)) {
            Map<String, Object> actor = new LinkedHashMap<>();
            actor.put("sub", callerPrincipal);
            actor.put("name", caller.name());
            if (subject.act() != null) {
                actor.put("act", subject.act());
            }
            act = actor;
        }

        DefaultOAuth2TokenContext context = DefaultOAuth2TokenContext.builder()
                .registeredClient(client.getRegisteredClient())
                .principal(new IssuedIdentity(subject, audience, act))
                .authorizationServerContext(AuthorizationServerContextHolder.getContext())
                .tokenType(OAuth2TokenType.ACCESS_TOKEN)
                .authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
                .authorizationGrant(request)
                .build();
        Jwt jwt = generator.generate(context);
        if (jwt == null) {
            throw new IllegalStateException("The JWT generator issued no token for a self-contained client");
        }
        OAuth2AccessToken accessToken = new OAuth2AccessToken(
                OAuth2AccessToken.TokenType.BEARER, jwt.getTokenValue(), jwt.getIssuedAt(), jwt.getExpiresAt());
        return new OAuth2AccessTokenAuthenticationToken(
                client.getRegisteredClient(),
                client,
                accessToken,
                null,
                Map.of(OAuth2ParameterNames.ISSUED_TOKEN_TYPE, JWT_TOKEN_TYPE));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return OAuth2TokenExchangeAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
