package io.agentforge.registry.search;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Embeddings of the memory store: gone with the process, like the instances they describe. */
public final class InMemoryEmbeddingStore implements EmbeddingStore {

    private final Map<String, StoredEmbedding> embeddings = new ConcurrentHashMap<>();

    @Override
    public List<StoredEmbedding> loadAll() {
        return List.copyOf(embeddings.values());
    }

    @Override
    public Optional<StoredEmbedding> find(String function) {
        return Optional.ofNullable(embeddings.get(function));
    }

    @Override
    public void save(StoredEmbedding embedding) {
        embeddings.put(embedding.function(), embedding);
    }
}
