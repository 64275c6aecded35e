package io.agentforge.registry.token;

import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.ApiKeyService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Every active API key is an OAuth client whose client_id is its key id: the clients are derived from the keys, never
 * stored on their own, so revoking a key removes its client at once.
 */
class ApiKeyRegisteredClients implements RegisteredClientRepository {

    /** The caller's whole key as {@code Authorization: Bearer af_…} or {@code X-API-Key}. */
    static final ClientAuthenticationMethod API_KEY = new ClientAuthenticationMethod("api_key");

    private final ApiKeyService keys;
    private final TokenProperties properties;

    ApiKeyRegisteredClients(ApiKeyService keys, TokenProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @Override
    public void save(RegisteredClient registeredClient) {
        throw new UnsupportedOperationException("Clients are API keys: create them with POST /api/v1/keys");
    }

    @Override
    public RegisteredClient findById(String id) {
        return findByClientId(id);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        return keys.active(clientId).map(this::client).orElse(null);
    }

    RegisteredClient client(ApiKeyPrincipal key) {
        return RegisteredClient.withId(key.keyId())
                .clientId(key.keyId())
                .clientName(key.name())
                .clientAuthenticationMethod(API_KEY)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.TOKEN_EXCHANGE)
                .tokenSettings(TokenSettings.builder()
                        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
                        .accessTokenTimeToLive(properties.ttl())
                        .build())
                .build();
    }
}
