package io.agentforge.registry.search;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.catalog.RegistryView;
import io.agentforge.registry.events.ChangeFeed;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The embeddings of the catalog's functions, kept current off the request path: one worker thread loads the stored
 * vectors and, once the catalog has a function, the model, then wakes on every change-feed event, embeds the
 * functions that are new or whose text changed, and saves them to the {@link EmbeddingStore}. Until a function's
 * vector exists, search finds it by its words only.
 */
public final class FunctionEmbeddings implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(FunctionEmbeddings.class);
    private static final Duration IDLE_CHECK = Duration.ofSeconds(1);
    // Registrations come in bursts and every look at the view after a change rebuilds its snapshot (O(instances)):
    // waking once per change made this worker a quarter of the registry's CPU while 10,000 instances registered.
    private static final Duration SETTLE = Duration.ofSeconds(1);

    private final RegistryView view;
    private final ChangeFeed feed;
    private final EmbeddingStore store;
    private final String modelId;
    private final Supplier<TextEmbedder> modelFactory;
    private final Clock clock;
    private final Map<String, StoredEmbedding> vectors = new ConcurrentHashMap<>();
    private final Map<CatalogFunction, FunctionText> texts = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile TextEmbedder model;
    private volatile boolean running;
    private Thread worker;

    /**
     * @param modelFactory loads the model on the worker thread (seconds); null when embeddings are switched off
     */
    FunctionEmbeddings(
            RegistryView view,
            ChangeFeed feed,
            EmbeddingStore store,
            String modelId,
            Supplier<TextEmbedder> modelFactory,
            Clock clock) {
        this.view = view;
        this.feed = feed;
        this.store = store;
        this.modelId = modelId;
        this.modelFactory = modelFactory;
        this.clock = clock;
    }

    /** Whether embeddings are switched on (the model may still be loading). */
    boolean enabled() {
        return modelFactory != null;
    }

    /**
     * The searchable text of a function, remembered across snapshots: a catalog change rebuilds the snapshot, and
     * hashing 10,000 unchanged functions again took longer than embedding the one new function.
     */
    FunctionText text(CatalogFunction function) {
        FunctionText text = texts.get(function);
        if (text == null) {
            if (texts.size() > 100_000) {
                texts.clear();
            }
            text = FunctionText.of(function, modelId);
            texts.put(function, text);
        }
        return text;
    }

    /** The model once loaded; empty while it loads, and always when embeddings are off. */
    Optional<TextEmbedder> model() {
        return Optional.ofNullable(model);
    }

    /** The vector of a function's text as identified by {@code textHash}, or null when it has none yet. */
    float[] vector(String function, String textHash) {
        StoredEmbedding embedding = vectors.get(function);
        return embedding != null && embedding.textHash().equals(textHash) ? embedding.vector() : null;
    }

    /** Moves on every vector added or replaced, so readers know when to look again. */
    long generation() {
        return generation.get();
    }

    private void run() {
        try {
            store.loadAll().forEach(e -> vectors.put(e.function(), e));
            if (!awaitFirstFunction()) {
                return;
            }
            long started = System.nanoTime();
            model = modelFactory.get();
            generation.incrementAndGet();
            log.info(
                    "Embedding model {} loaded in {} ms; {} stored function embeddings",
                    modelId,
                    (System.nanoTime() - started) / 1_000_000,
                    vectors.size());
        } catch (RuntimeException | LinkageError e) {
            log.error("Cannot load the embedding model {}; catalog search is lexical only", modelId, e);
            return;
        }
        long seen = Long.MIN_VALUE;
        while (running) {
            try {
                RegistryView.Snapshot snapshot = view.current();
                if (snapshot.version() != seen) {
                    embedMissing(snapshot);
                    seen = snapshot.version();
                }
                if (feed.awaitNewer(seen, IDLE_CHECK)) {
                    TimeUnit.MILLISECONDS.sleep(SETTLE.toMillis());
                } else if (!feed.isRunning()) {
                    // The feed starts and stops in the same lifecycle phase as this worker; don't spin meanwhile.
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Embedding the catalog failed; retrying on the next change", e);
                seen = Long.MIN_VALUE;
                try {
                    feed.awaitNewer(view.current().version(), IDLE_CHECK);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Waits until the catalog has a function: the model costs ~135 MiB of native memory, and a registry used for
     * discovery alone, or not yet joined by a tool, has nothing to embed. Searching an empty catalog finds nothing
     * whatever the model, so no answer changes. False when stopped first.
     */
    private boolean awaitFirstFunction() {
        while (running) {
            try {
                RegistryView.Snapshot snapshot = view.current();
                if (!snapshot.catalog().functions().isEmpty()) {
                    return true;
                }
                if (!feed.awaitNewer(snapshot.version(), IDLE_CHECK) && !feed.isRunning()) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private void embedMissing(RegistryView.Snapshot snapshot) {
        TextEmbedder current = model;
        for (CatalogFunction function : snapshot.catalog().functions()) {
            if (!running) {
                return;
            }
            FunctionText text = text(function);
            if (vector(function.name(), text.hash()) != null) {
                continue;
            }
            // Another replica sharing the store may have embedded it already.
            StoredEmbedding embedding = store.find(function.name())
                    .filter(stored -> stored.textHash().equals(text.hash()))
                    .orElse(null);
            if (embedding == null) {
                embedding = new StoredEmbedding(
                        function.name(), text.hash(), current.embed(text.semantic()), clock.instant());
                store.save(embedding);
            }
            vectors.put(function.name(), embedding);
            generation.incrementAndGet();
        }
    }

    @Override
    public void start() {
        running = true;
        if (modelFactory != null) {
            worker = Thread.ofPlatform().daemon().name("function-embeddings").start(this::run);
        }
    }

    @Override
    public void stop() {
        running = false;
        if (worker != null) {
            worker.interrupt();
            try {
                worker.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // After the lifecycle stop: the web server drains its requests after this bean stopped, and they may still embed
    // a query.
    @Override
    public void destroy() {
        TextEmbedder loaded = model;
        model = null;
        if (loaded != null) {
            loaded.close();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
