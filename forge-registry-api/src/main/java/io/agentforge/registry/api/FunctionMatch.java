package io.agentforge.registry.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One function found by a catalog search, with what it is needed to offer it to a model, and why it ranked.
 *
 * @param score         the fused score the results are ordered by (higher is better; comparable within one answer)
 * @param lexicalScore  BM25 score of the query's words against the function's text; 0 when no word matched
 * @param semanticScore cosine similarity of query and function embeddings, -1..1; null when the function has no
 *                      embedding yet or the search did not use embeddings
 */
public record FunctionMatch(
        String name,
        String service,
        String description,
        Map<String, @Nullable Object> inputSchema,
        @Nullable Map<String, @Nullable Object> outputSchema,
        double score,
        double lexicalScore,
        @Nullable Double semanticScore) {

    /** An absent {@code inputSchema} becomes an empty one. */
    public FunctionMatch(
            String name,
            String service,
            String description,
            @Nullable Map<String, @Nullable Object> inputSchema,
            @Nullable Map<String, @Nullable Object> outputSchema,
            double score,
            double lexicalScore,
            @Nullable Double semanticScore) {
        Checks.matches("name", name, FunctionDescriptor.NAME);
        Checks.matches("service", service, ServiceRegistration.SERVICE_NAME);
        Checks.required("description", description);
        inputSchema = inputSchema == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(inputSchema));
        outputSchema = outputSchema == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(outputSchema));
        finite("score", score);
        finite("lexicalScore", lexicalScore);
        if (lexicalScore < 0) {
            throw new InvalidFieldException("lexicalScore", "is negative");
        }
        if (semanticScore != null) {
            finite("semanticScore", semanticScore);
            if (semanticScore < -1.0001 || semanticScore > 1.0001) {
                throw new InvalidFieldException("semanticScore", semanticScore + " is outside -1..1");
            }
        }
        this.name = name;
        this.service = service;
        this.description = description;
        this.inputSchema = inputSchema;
        this.outputSchema = outputSchema;
        this.score = score;
        this.lexicalScore = lexicalScore;
        this.semanticScore = semanticScore;
    }

    private static void finite(String field, double value) {
        if (!Double.isFinite(value)) {
            throw new InvalidFieldException(field, "is not a finite number");
        }
    }
}
