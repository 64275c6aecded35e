package io.agentforge.console.security;

import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.console.config.ConsoleProperties.AuthMode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.authentication.OAuth2AuthenticationToken;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.stereotype.Component;

/** Which credential the console sends to an agent on behalf of the person using it. */
@Component
public class Credentials {

    private final ConsoleProperties properties;
    private final ObjectProvider<OAuth2AuthorizedClientService> authorizedClients;

    Credentials(ConsoleProperties properties, ObjectProvider<OAuth2AuthorizedClientService> authorizedClients) {
        this.properties = properties;
        this.authorizedClients = authorizedClients;
    }

    public AuthMode mode() {
        return properties.console().auth();
    }

    /**
     * The bearer credential for agent calls: the console's own key without login (the conversations are then the
     * console's), the user's key with {@code api-key}, the user's access token with {@code oidc}; null when there
     * is none (the agent will answer 401).
     */
    public String forAgent(Authentication authentication) {
        return switch (mode()) {
            case NONE -> properties.apiKey();
            case API_KEY -> authentication != null && authentication.getPrincipal() instanceof ConsoleUser user
                    ? user.apiKey() : null;
            case OIDC -> accessToken(authentication);
        };
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

    private String accessToken(Authentication authentication) {
        if (!(authentication instanceof OAuth2AuthenticationToken token)) {
            return null;
        }
        OAuth2AuthorizedClientService service = authorizedClients.getIfAvailable();
        if (service == null) {
            return null;
        }
        OAuth2AuthorizedClient client = service.loadAuthorizedClient(token.getAuthorizedClientRegistrationId(),
                token.getName());
        return client == null ? null : client.getAccessToken().getTokenValue();
    }
}
