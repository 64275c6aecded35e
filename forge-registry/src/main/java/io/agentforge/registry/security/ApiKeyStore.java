package io.agentforge.registry.security;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of API keys, in memory or in PostgreSQL next to the instances. */
public interface ApiKeyStore {

    /** Inserts the key, or replaces the one with the same id. */
    void save(ApiKey key);

    Optional<ApiKey> find(String keyId);

    List<ApiKey> list();

    /** Marks the key revoked; false when unknown or already revoked. */
    boolean revoke(String keyId, Instant at);
}
