package io.agentforge.registry.search;

import java.time.Instant;

/** The embedding of one function's text, as {@link FunctionText#hash()} identifies it; the vector has unit length. */
public record StoredEmbedding(String function, String textHash, float[] vector, Instant updatedAt) {}
