package io.agentforge.console.security;

import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.RegistryException;
import io.agentforge.starter.ForgeProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.stereotype.Component;

/**
 * A key is valid when the registry accepts it for a client request ({@code GET /api/v1/status}): the same check
 * every agent makes, without needing a service key of the console's own.
 */
@Component
class RegistryKeyVerifier implements KeyVerifier {

    private final List<URI> registryUrls;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    RegistryKeyVerifier(ForgeProperties properties) {
        if (properties.registryUrl() == null) {
            throw new IllegalStateException("agentforge.registry-url (AGENTFORGE_REGISTRY_URL) is not set: the console"
                    + " checks sign-in keys with the registry");
        }
        this.registryUrls = ForgeClientSettings.parseUrls(properties.registryUrl());
    }

    @Override
    public String verify(String apiKey) {
        ForgeClientSettings settings;
        try {
            settings = new ForgeClientSettings(registryUrls, apiKey, Duration.ofSeconds(2), Duration.ofSeconds(5));
        } catch (IllegalArgumentException e) {
            throw new BadCredentialsException("That is not an Agent Forge key (af_<keyId>_<secret>)");
        }
        try {
            new HttpRegistryClient(settings, http).status();
            return "af_" + settings.keyId();
        } catch (RegistryException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new BadCredentialsException("The registry does not accept this key");
            }
            throw new AuthenticationServiceException(
                    "The key could not be checked: " + e.problem().title());
        }
    }
}
