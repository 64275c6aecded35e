package io.agentforge.registry.search;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * An immutable BM25 index over documents numbered 0..n-1, with k1 = 1.2 and b = 0.75 (the textbook values; a sweep on
 * the labelled benchmark's tune half found none better on both halves, see docs/benchmarks.md).
 */
final class Bm25 {

    static final double K1 = 1.2;
    static final double B = 0.75;

    private final double k1;
    private final Map<String, Postings> postings;
    private final float[] lengthNorm;
    private final int documents;

    private record Postings(int[] docs, int[] frequencies, double idf) {}

    Bm25(List<List<String>> documents) {
        this(documents, K1, B);
    }

    /** With other parameters, for bench/search-lab.sh's sweep. */
    Bm25(List<List<String>> documents, double k1, double b) {
        this.k1 = k1;
        this.documents = documents.size();
        // term -> (doc, frequency) pairs in document order; a document's terms are counted before the next starts.
        Map<String, int[]> pairs = new HashMap<>();
        Map<String, Integer> sizes = new HashMap<>();
        long totalLength = 0;
        Map<String, Integer> counts = new HashMap<>();
        for (int d = 0; d < documents.size(); d++) {
            totalLength += documents.get(d).size();
            counts.clear();
            for (String term : documents.get(d)) {
                counts.merge(term, 1, Integer::sum);
            }
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                int size = sizes.getOrDefault(e.getKey(), 0);
                int[] list = pairs.get(e.getKey());
                if (list == null || list.length < 2 * size + 2) {
                    list = java.util.Arrays.copyOf(list == null ? new int[0] : list, Math.max(4, 4 * size + 4));
                    pairs.put(e.getKey(), list);
                }
                list[2 * size] = d;
                list[2 * size + 1] = e.getValue();
                sizes.put(e.getKey(), size + 1);
            }
        }
        double average = documents.isEmpty() ? 1 : Math.max(1, (double) totalLength / documents.size());
        lengthNorm = new float[documents.size()];
        for (int d = 0; d < documents.size(); d++) {
            lengthNorm[d] = (float) (k1 * (1 - b + b * documents.get(d).size() / average));
        }
        postings = new HashMap<>(pairs.size() * 2);
        pairs.forEach((term, list) -> {
            int df = sizes.get(term);
            int[] docs = new int[df];
            int[] frequencies = new int[df];
            for (int i = 0; i < df; i++) {
                docs[i] = list[2 * i];
                frequencies[i] = list[2 * i + 1];
            }
            double idf = Math.log(1 + (documents.size() - df + 0.5) / (df + 0.5));
            postings.put(term, new Postings(docs, frequencies, idf));
        });
    }

    /**
     * What a document of average length that holds each distinct query term once would score: the sum of the
     * terms' idf. Terms no document holds count with the highest idf, as words the catalog cannot match.
     */
    double ideal(List<String> queryTerms) {
        double unknown = Math.log(1 + (documents + 0.5) / 0.5);
        double sum = 0;
        for (String term : new LinkedHashSet<>(queryTerms)) {
            Postings p = postings.get(term);
            sum += p == null ? unknown : p.idf;
        }
        return sum;
    }

    /** The score of every document for the query's terms (each distinct term counted once); 0 when none occurs. */
    double[] scores(List<String> queryTerms) {
        double[] scores = new double[documents];
        for (String term : new LinkedHashSet<>(queryTerms)) {
            Postings p = postings.get(term);
            if (p == null) {
                continue;
            }
            for (int i = 0; i < p.docs.length; i++) {
                int tf = p.frequencies[i];
                scores[p.docs[i]] += p.idf * tf * (k1 + 1) / (tf + lengthNorm[p.docs[i]]);
            }
        }
        return scores;
    }
}
