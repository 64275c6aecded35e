package io.agentforge.console.security;

import io.agentforge.console.config.ConsoleProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;

/** OAuth2 login against any OpenID Connect provider, for {@code agentforge.console.auth=oidc}. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "agentforge.console", name = "auth", havingValue = "oidc")
class OidcConfiguration {

    static final String REGISTRATION_ID = "oidc";

    @Bean
    ClientRegistrationRepository oidcClientRegistrations(ConsoleProperties properties) {
        ConsoleProperties.Oidc oidc = properties.console().oidc();
        if (oidc.issuerUri() == null || oidc.clientId() == null) {
            throw new IllegalStateException("agentforge.console.auth=oidc needs AGENTFORGE_OIDC_ISSUER_URI and"
                    + " AGENTFORGE_OIDC_CLIENT_ID (and usually AGENTFORGE_OIDC_CLIENT_SECRET)");
        }
        return new DiscoveredRegistration(oidc);
    }

    @Bean
    OAuth2AuthorizedClientService oidcAuthorizedClients(ClientRegistrationRepository registrations) {
        return new InMemoryOAuth2AuthorizedClientService(registrations);
    }

    /**
     * Reads the provider's discovery document on first use rather than at startup, so the console starts (and
     * reports its health) while the provider is briefly unreachable; a failed discovery is retried next time.
     */
    static final class DiscoveredRegistration implements ClientRegistrationRepository {

        private final ConsoleProperties.Oidc oidc;
        private volatile ClientRegistration registration;

        DiscoveredRegistration(ConsoleProperties.Oidc oidc) {
            this.oidc = oidc;
        }

        @Override
        public ClientRegistration findByRegistrationId(String registrationId) {
            if (!REGISTRATION_ID.equals(registrationId)) {
                return null;
            }
            ClientRegistration current = registration;
            if (current == null) {
                synchronized (this) {
                    current = registration;
                    if (current == null) {
                        current = ClientRegistrations.fromIssuerLocation(oidc.issuerUri())
                                .registrationId(REGISTRATION_ID)
                                .clientId(oidc.clientId())
                                .clientSecret(oidc.clientSecret())
                                .scope(oidc.scopes())
                                .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                                .build();
                        registration = current;
                    }
                }
            }
            return current;
        }
    }
}
