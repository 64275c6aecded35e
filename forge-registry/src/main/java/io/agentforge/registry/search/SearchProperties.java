package io.agentforge.registry.search;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param embeddings the in-process embedding model
 * @param fusion     how lexical and semantic scores combine into one ranking
 */
@ConfigurationProperties("agentforge.registry.search")
public record SearchProperties(
        @DefaultValue Embeddings embeddings, @DefaultValue Fusion fusion) {

    /**
     * @param enabled off: search is lexical only, the model is never loaded (saves its memory and start-up time)
     * @param threads ONNX Runtime threads per embedding; one keeps embedding from taking every core
     * @param queryCache how many recent query texts keep their vectors (about 1.6 KB each), so a repeated question
     *                   skips the model; 0 embeds every query
     */
    public record Embeddings(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1") int threads,
            @DefaultValue("1024") int queryCache) {

        public Embeddings {
            if (threads < 1) {
                throw new IllegalArgumentException("agentforge.registry.search.embeddings.threads must be at least 1");
            }
            if (queryCache < 0) {
                throw new IllegalArgumentException(
                        "agentforge.registry.search.embeddings.query-cache must be 0 or more");
            }
        }
    }

    /**
     * @param method         {@code weighted} (default) or {@code rrf} (reciprocal-rank fusion)
     * @param semanticWeight weighted: share of the semantic score, 0..1; the lexical score gets the rest
     * @param rrfK           rrf: the constant k in 1 / (k + rank)
     */
    public record Fusion(
            @DefaultValue("weighted") Method method,
            @DefaultValue("0.6") double semanticWeight,
            @DefaultValue("60") int rrfK) {

        public Fusion {
            if (semanticWeight < 0 || semanticWeight > 1) {
                throw new IllegalArgumentException("agentforge.registry.search.fusion.semantic-weight must be in 0..1");
            }
            if (rrfK < 1) {
                throw new IllegalArgumentException("agentforge.registry.search.fusion.rrf-k must be at least 1");
            }
        }

        public enum Method {
            WEIGHTED,
            RRF
        }
    }
}
