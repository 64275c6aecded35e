package io.agentforge.registry.search;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The vectors of recent query texts, least recently used dropped first. Embedding the query is most of a hybrid
 * search's CPU (~6 ms of the ~8 ms at 10,000 functions), and agents ask the same questions again: a retried turn, the
 * same user question on every step of a run, the console's search box as the user types.
 *
 * <p>Texts are keyed as the model reads them: the bundled model's tokenizer lower-cases and splits on white space, so
 * "Weather  in Berlin" and "weather in berlin" are one entry and one vector.
 */
final class QueryVectors {

    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final int capacity;
    private final Map<String, float[]> recent;

    /** @param capacity how many texts to keep; 0 keeps none */
    QueryVectors(int capacity) {
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(Math.min(capacity, 1024) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
                return size() > QueryVectors.this.capacity;
            }
        };
    }

    /** The vector of {@code query}; callers must not change it, as it is shared with later searches. */
    float[] embed(TextEmbedder model, String query) {
        String key = key(query);
        if (capacity == 0) {
            return model.embed(key);
        }
        float[] vector;
        synchronized (recent) {
            vector = recent.get(key);
        }
        if (vector == null) {
            // Outside the lock: two threads may embed the same new text once each, which is cheaper than making every
            // search wait for another one's embedding.
            vector = model.embed(key);
            synchronized (recent) {
                recent.put(key, vector);
            }
        }
        return vector;
    }

    int size() {
        synchronized (recent) {
            return recent.size();
        }
    }

    static String key(String query) {
        return SPACES.matcher(query.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }
}
