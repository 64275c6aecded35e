package io.agentforge.registry.token;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Signing keys of the memory store; a restart makes new ones (tokens of the old ones become unverifiable). */
public final class InMemorySigningKeyStore implements SigningKeyStore {

    private final List<SigningKey> keys = new ArrayList<>();

    @Override
    public synchronized List<SigningKey> all() {
        return keys.stream()
                .sorted(Comparator.comparing(SigningKey::createdAt).reversed())
                .toList();
    }

    @Override
    public synchronized boolean rotateIf(Predicate<SigningKey> due, Supplier<SigningKey> fresh, Instant now) {
        SigningKey active =
                all().stream().filter(SigningKey::active).findFirst().orElse(null);
        if (!due.test(active)) {
            return false;
        }
        keys.replaceAll(key -> key.active() ? key.retired(now) : key);
        keys.add(fresh.get());
        return true;
    }

    @Override
    public synchronized void deleteRetiredBefore(Instant cutoff) {
        keys.removeIf(key -> !key.active() && key.retiredAt().isBefore(cutoff));
    }
}
