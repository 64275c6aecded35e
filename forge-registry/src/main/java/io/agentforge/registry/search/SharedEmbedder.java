package io.agentforge.registry.search;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One embedding model per process and thread setting, shared by every application context that loads it and closed
 * when the last one lets go. A registry has one context, so this changes nothing there; a test JVM has many, and ONNX
 * Runtime crashed natively (SIGSEGV in {@code OrtSession.createSession}) while creating a session for each of them
 * as the others ran. Now the session is created once per JVM.
 */
final class SharedEmbedder {

    private static final Map<Integer, Shared> MODELS = new HashMap<>();

    private SharedEmbedder() {}

    /** The model for {@code threads}, created by {@code factory} when no context holds it now. */
    static TextEmbedder acquire(int threads, IntFunction<TextEmbedder> factory) {
        synchronized (MODELS) {
            Shared shared = MODELS.get(threads);
            if (shared == null) {
                shared = new Shared(factory.apply(threads));
                MODELS.put(threads, shared);
            }
            shared.holders++;
            return new Handle(threads, shared);
        }
    }

    private static void release(int threads, Shared shared) {
        TextEmbedder closing = null;
        synchronized (MODELS) {
            if (--shared.holders == 0) {
                MODELS.remove(threads, shared);
                closing = shared.model;
            }
        }
        if (closing != null) {
            closing.close();
        }
    }

    private static final class Shared {
        final TextEmbedder model;
        int holders;

        Shared(TextEmbedder model) {
            this.model = model;
        }
    }

    /** One context's hold on the shared model. */
    private static final class Handle implements TextEmbedder {

        private final int threads;
        private final Shared shared;
        private boolean released;

        Handle(int threads, Shared shared) {
            this.threads = threads;
            this.shared = shared;
        }

        @Override
        public float[] embed(String text) {
            synchronized (this) {
                if (released) {
                    throw new IllegalStateException("The embedding model is closed");
                }
            }
            return shared.model.embed(text);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(threads, shared);
        }
    }
}
