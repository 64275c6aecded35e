package io.agentforge.registry.security;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Keys of the memory store; they are gone when the registry stops. */
public final class InMemoryApiKeyStore implements ApiKeyStore {

    private final ConcurrentHashMap<String, ApiKey> keys = new ConcurrentHashMap<>();

    @Override
    public void save(ApiKey key) {
        keys.put(key.keyId(), key);
    }

    @Override
    public Optional<ApiKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }

    @Override
    public List<ApiKey> list() {
        return keys.values().stream()
                .sorted(Comparator.comparing(ApiKey::createdAt))
                .toList();
    }

    @Override
    public boolean revoke(String keyId, Instant at) {
        ApiKey key = keys.get(keyId);
        if (key == null || !key.active()) {
            return false;
        }
        return keys.replace(keyId, key, key.revoked(at));
    }
}
