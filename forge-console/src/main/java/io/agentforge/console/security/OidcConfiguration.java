package io.agentforge.console.security;

import io.agentforge.console.config.ConsoleProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

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
     * reports its health) while the provider is briefly unreachable; a failed discovery is retried next time. The
     * lookup has its own timeouts and holds no lock while it waits, so a hanging provider can't block every login.
     */
    static final class DiscoveredRegistration implements ClientRegistrationRepository {

        private static final Duration TIMEOUT = Duration.ofSeconds(5);
        private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {};

        private final ConsoleProperties.Oidc oidc;
        private final HttpClient http = HttpClient.newBuilder()
                .connectTimeout(TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        private final JsonMapper json = JsonMapper.builder().build();
        private volatile ClientRegistration registration;

        DiscoveredRegistration(ConsoleProperties.Oidc oidc) {
            this.oidc = oidc;
        }

        /** @throws IllegalStateException when the provider can't be reached or its metadata doesn't fit */
        @Override
        public ClientRegistration findByRegistrationId(String registrationId) {
            if (!REGISTRATION_ID.equals(registrationId)) {
                return null;
            }
            ClientRegistration current = registration;
            if (current == null) {
                current = ClientRegistrations.fromOidcConfiguration(discover())
                        .registrationId(REGISTRATION_ID)
                        .clientId(oidc.clientId())
                        .clientSecret(oidc.clientSecret())
                        .scope(oidc.scopes())
                        .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
                        .build();
                registration = current;
            }
            return current;
        }

        private Map<String, Object> discover() {
            String configured = oidc.issuerUri();
            String issuer = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
            try {
                URI discovery = URI.create(issuer + "/.well-known/openid-configuration");
                HttpResponse<byte[]> response = http.send(
                        HttpRequest.newBuilder(discovery).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(
                            "The OIDC provider answered " + response.statusCode() + " for its discovery document");
                }
                Map<String, Object> metadata = json.readValue(response.body(), METADATA);
                // OpenID Connect Discovery: the document must name the issuer it was fetched for.
                if (!configured.equals(metadata.get("issuer")) && !issuer.equals(metadata.get("issuer"))) {
                    throw new IllegalStateException("The OIDC discovery document names another issuer");
                }
                return metadata;
            } catch (IOException | JacksonException e) {
                throw new IllegalStateException("The OIDC provider can't be reached: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while asking the OIDC provider", e);
            }
        }
    }
}
