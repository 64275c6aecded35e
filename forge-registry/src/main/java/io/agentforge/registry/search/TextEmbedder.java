package io.agentforge.registry.search;

/**
 * Turns text into a unit-length vector. A seam because the model is optional: the registry runs lexical-only
 * when it is switched off or its jar is not on the class path.
 */
interface TextEmbedder extends AutoCloseable {

    /** Identifies the model, so vectors of another model are never compared with this one's. */
    String modelId();

    /** A unit-length vector; thread-safe. */
    float[] embed(String text);

    @Override
    void close();
}
