package io.agentforge.registry.token;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Persistence of the token signing keys: in memory, or in PostgreSQL so every replica signs and verifies alike. */
public interface SigningKeyStore {

    /** Every stored key, newest first. */
    List<SigningKey> all();

    /**
     * Atomically (also across replicas): when {@code due} holds for the active key (null when there is none), retires
     * every active key at {@code now} and stores {@code fresh.get()} as the new active key.
     *
     * @return whether a new key was stored
     */
    boolean rotateIf(Predicate<SigningKey> due, Supplier<SigningKey> fresh, Instant now);

    /** Forgets keys retired before {@code cutoff}. */
    void deleteRetiredBefore(Instant cutoff);
}
