package io.agentforge.starter;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.SequencedSet;

/**
 * Keys the registry said were revoked (its {@code key-revoked} events), so tokens naming them in their subject or
 * actor chain are refused before they expire. Bounded: the oldest ids go first beyond the limit, by which time their
 * tokens have long expired. Thread-safe.
 */
public final class RevokedKeys {

    static final int DEFAULT_MAX = 100_000;

    private final SequencedSet<String> keyIds = new LinkedHashSet<>();
    private final int max;

    public RevokedKeys() {
        this(DEFAULT_MAX);
    }

    RevokedKeys(int max) {
        this.max = max;
    }

    public void add(String keyId) {
        if (keyId == null || keyId.isBlank()) {
            return;
        }
        synchronized (keyIds) {
            keyIds.add(keyId);
            while (keyIds.size() > max) {
                keyIds.removeFirst();
            }
        }
    }

    /** The first of these key ids that was revoked, null when none was. */
    public String anyRevoked(Collection<String> candidates) {
        synchronized (keyIds) {
            for (String candidate : candidates) {
                if (keyIds.contains(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    public boolean isRevoked(String keyId) {
        synchronized (keyIds) {
            return keyIds.contains(keyId);
        }
    }
}
