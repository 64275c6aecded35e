package io.agentforge.registry.search;

/**
 * Turns text into a unit-length vector. A seam because the model is optional: the registry runs lexical-only
 * when it is switched off or its jar is not on the class path.
 */
interface TextEmbedder extends AutoCloseable {

    /** A unit-length vector; thread-safe. */
    float[] embed(String text);

    @Override
    void close();
}
