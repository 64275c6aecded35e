package io.agentforge.console.security;

import io.agentforge.client.AccessTokens;
import io.agentforge.client.Problem;
import io.agentforge.client.RegistryException;
import io.agentforge.client.TokenExchanger;
import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.console.config.ConsoleProperties.AuthMode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/**
 * What the console sends on behalf of the person using it. No long-lived credential ever leaves for an endpoint
 * found in the registry: the person's credential (their key with {@code api-key}, their OIDC access token with
 * {@code oidc}) is only the subject of an RFC 8693 exchange at the registry, which answers with a short-lived JWT
 * for the one service called ({@code sub} = the person, {@code act} = the console). Without login ({@code none}) the
 * console acts for itself.
 */
@Component
public class Credentials {

    private final ConsoleProperties properties;
    private final ObjectProvider<OAuth2AuthorizedClientService> authorizedClients;
    private final AccessTokens tokens;

    Credentials(
            ConsoleProperties properties,
            ObjectProvider<OAuth2AuthorizedClientService> authorizedClients,
            AccessTokens tokens) {
        this.properties = properties;
        this.authorizedClients = authorizedClients;
        this.tokens = tokens;
    }

    public AuthMode mode() {
        return properties.console().auth();
    }

    /**
     * The bearer token for a call to the agent whose service name is {@code agentService}: a JWT the registry issued
     * for that audience on the person's behalf — never a key.
     *
     * @throws RegistryException with a problem a person can act on when no token could be had (not signed in any
     *                           more, credential refused by the registry, registry unreachable)
     */
    public String forAgent(Authentication authentication, String agentService) {
        if (agentService == null || agentService.isBlank()) {
            throw new RegistryException(new Problem(
                    502,
                    TokenExchanger.TOKEN_EXCHANGE_PROBLEM,
                    "No token for the agent",
                    "The agent has no service name to ask the registry for a token for"));
        }
        String subject = subjectCredential(authentication);
        String token;
        try {
            token = tokens.token(agentService, subject);
        } catch (RegistryException e) {
            throw new RegistryException(exchangeFailed(agentService, e.problem()), e);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(new Problem(
                    502,
                    TokenExchanger.TOKEN_EXCHANGE_PROBLEM,
                    "No token for the agent",
                    "'" + agentService + "' is not a service name a token can be had for"));
        }
        if (token == null || token.isBlank() || token.strip().startsWith("af_")) {
            throw new RegistryException(new Problem(
                    502,
                    TokenExchanger.TOKEN_EXCHANGE_PROBLEM,
                    "No token for the agent",
                    "The registry gave no token for '" + agentService + "'"));
        }
        return token.strip();
    }

    /**
     * The person's credential, as the subject of token exchanges (it goes to the registry only): their key
     * ({@code api-key}), their access token ({@code oidc}), null without login (the console acts for itself).
     *
     * @throws RegistryException (401) when a signed-in person's credential is not available any more
     */
    public String subjectCredential(Authentication authentication) {
        String subject = switch (mode()) {
            case NONE -> null;
            case API_KEY ->
                authentication != null && authentication.getPrincipal() instanceof ConsoleUser user
                        ? user.apiKey()
                        : null;
            case OIDC -> accessToken(authentication);
        };
        if (subject == null && mode() != AuthMode.NONE) {
            throw new RegistryException(new Problem(
                    401,
                    TokenExchanger.TOKEN_EXCHANGE_PROBLEM,
                    "Not signed in",
                    "Your sign-in has no credential to act on your behalf with; sign out and in again"));
        }
        return subject;
    }

    /** A name to show in the header; empty without login. */
    public String displayName(Authentication authentication) {
        if (authentication == null || mode() == AuthMode.NONE) {
            return "";
        }
        Object principal = authentication.getPrincipal();
        if (principal instanceof ConsoleUser user) {
            return user.name();
        }
        if (principal instanceof OidcUser user) {
            String name = user.getPreferredUsername() != null ? user.getPreferredUsername() : user.getEmail();
            return name != null ? name : user.getSubject();
        }
        return authentication.getName();
    }

    // The registry refused the person's credential (invalid_grant): theirs to fix; anything else is ours or transient.
    private static Problem exchangeFailed(String agentService, Problem cause) {
        boolean refusedSubject = "invalid_grant".equals(cause.title());
        int status = refusedSubject ? 401 : new RegistryException(cause).isTransient() ? 503 : 502;
        String detail = refusedSubject
                ? "The registry did not accept your credential for a token to '" + agentService + "' (" + cause.detail()
                        + "); sign out and in again"
                : "The registry gave the console no token for '" + agentService + "': " + cause.detail();
        return new Problem(status, TokenExchanger.TOKEN_EXCHANGE_PROBLEM, "No token for the agent", detail);
    }

    private String accessToken(Authentication authentication) {
        if (!(authentication instanceof OAuth2AuthenticationToken token)) {
            return null;
        }
        OAuth2AuthorizedClientService service = authorizedClients.getIfAvailable();
        if (service == null) {
            return null;
        }
        OAuth2AuthorizedClient client =
                service.loadAuthorizedClient(token.getAuthorizedClientRegistrationId(), token.getName());
        return client == null ? null : client.getAccessToken().getTokenValue();
    }
}
