package io.agentforge.registry.search;

import java.util.List;
import java.util.Optional;

/** Where function embeddings are kept, beside the instance store of the same kind. Thread-safe. */
public interface EmbeddingStore {

    /** Every stored embedding; read once at start. */
    List<StoredEmbedding> loadAll();

    /** The stored embedding of one function, which another replica may have written since start. */
    Optional<StoredEmbedding> find(String function);

    /** Stores or replaces the embedding of {@code embedding.function()}. */
    void save(StoredEmbedding embedding);
}
