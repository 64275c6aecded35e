package io.agentforge.registry.catalog;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * What this replica knows of each agent's A2A card, by service name. Kept in memory on every replica whatever the
 * instance store: each replica reads the cards itself (agentforge.registry.agent-cards), so a restart or a new replica
 * shows agents without their card for the moment of the first read. Every change of what discovery would show moves
 * {@link #generation()}, which the cached discovery answers include in their ETag.
 */
@Component
public class AgentCards {

    private final Map<String, Card> cards = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /** Changes each time a card, its URL or its error changes; 0 until the first one is recorded. */
    public long generation() {
        return generation.get();
    }

    public Optional<Card> card(String service) {
        return Optional.ofNullable(cards.get(service));
    }

    /** Records the outcome of a read; the generation moves only when discovery would show something else. */
    public void record(String service, Card card) {
        Card previous = cards.put(service, card);
        if (previous == null || !previous.shownAs().equals(card.shownAs())) {
            generation.incrementAndGet();
        }
    }

    /** Forgets the cards of services no longer registered. */
    public void retainOnly(Collection<String> services) {
        if (cards.keySet()
                .retainAll(services instanceof java.util.Set<?> ? services : java.util.Set.copyOf(services))) {
            generation.incrementAndGet();
        }
    }

    /**
     * One read of an agent's card.
     *
     * @param url       the card URL read
     * @param source    the instance it was read from and the registration it had (a re-registration reads again)
     * @param card      the card, or null when none valid was ever read from {@code url}
     * @param error     why this read failed, null when it succeeded
     * @param fetchedAt when the read finished
     */
    public record Card(
            String url,
            String source,
            @Nullable Map<String, @Nullable Object> card,
            @Nullable String error,
            Instant fetchedAt) {

        public Card {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(fetchedAt, "fetchedAt");
        }

        // The fetch time is shown too, but a refresh that finds the same card must not invalidate every cached answer.
        private Object shownAs() {
            return java.util.Arrays.asList(url, card, error);
        }
    }
}
