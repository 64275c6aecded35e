package io.agentforge.registry.search;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.catalog.RegistryView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The searchable form of one catalog snapshot: its functions, the capabilities of their services' UP instances, a
 * BM25 index of their text, and their vectors as far as they exist. Built once per catalog change.
 */
final class SearchIndex {

    final long version;
    final CatalogFunction[] functions;
    final List<Set<String>> capabilities;
    final Bm25 bm25;
    private final String[] hashes;
    private volatile Vectors vectors;
    // Guarded by this; see vectors().
    private final boolean[] filled;
    private short[] all;
    private int dimensions;

    /**
     * The vectors known at one {@link FunctionEmbeddings#generation()}, in one array of 16-bit floats laid out for the
     * scan ({@link #put}): function {@code i}'s vector is there when {@code present[i]}. One array, because the
     * embedding worker allocated the vectors one by one between other objects over minutes: scanning 10,000 of them
     * scattered over the heap took 5 ms of CPU per search, the same values in one array 1.4 ms (bench/search).
     */
    record Vectors(long generation, short[] all, int dimensions, boolean[] present, int pending) {}

    SearchIndex(RegistryView.Snapshot snapshot, FunctionEmbeddings embeddings) {
        version = snapshot.version();
        List<CatalogFunction> all = snapshot.catalog().functions();
        functions = all.toArray(CatalogFunction[]::new);
        hashes = new String[functions.length];
        filled = new boolean[functions.length];
        Map<String, Set<String>> byService = new HashMap<>();
        capabilities = new ArrayList<>(functions.length);
        List<List<String>> documents = new ArrayList<>(functions.length);
        for (int i = 0; i < functions.length; i++) {
            FunctionText text = embeddings.text(functions[i]);
            hashes[i] = text.hash();
            documents.add(text.terms());
            capabilities.add(byService.computeIfAbsent(
                    functions[i].service(),
                    service -> upCapabilities(snapshot.services().getOrDefault(service, List.of()))));
        }
        bm25 = new Bm25(documents);
    }

    private static Set<String> upCapabilities(List<Instance> instances) {
        Set<String> result = new HashSet<>();
        instances.stream().filter(i -> i.status() == InstanceStatus.UP).forEach(i -> result.addAll(i.capabilities()));
        return Set.copyOf(result);
    }

    /**
     * The functions' vectors as of the embeddings' current generation; refreshed only when that moved. Vectors are
     * copied into one array per index, each once: within one index a function's text, so its vector, never changes,
     * so a slot once filled is never written again, and a search reading an older {@link Vectors} reads only slots
     * its {@code present} says were filled before it was published. (Allocating the array anew on every generation,
     * i.e. for every function embedded, grew the heap to 3 GB while 10,000 functions were embedded and searched.)
     */
    Vectors vectors(FunctionEmbeddings embeddings) {
        long generation = embeddings.generation();
        Vectors current = vectors;
        if (current != null && current.generation() == generation) {
            return current;
        }
        synchronized (this) {
            current = vectors;
            if (current != null && current.generation() == generation) {
                return current;
            }
            int pending = 0;
            for (int i = 0; i < functions.length; i++) {
                if (filled[i]) {
                    continue;
                }
                float[] vector = embeddings.vector(functions[i].name(), hashes[i]);
                if (vector != null && all == null) {
                    dimensions = vector.length;
                    all = new short[functions.length * dimensions];
                }
                // One model, one dimension; a vector of another length (never expected) counts as pending.
                if (vector != null && vector.length == dimensions) {
                    put(all, functions.length, i, vector);
                    filled[i] = true;
                } else {
                    pending++;
                }
            }
            current = new Vectors(generation, all == null ? new short[0] : all, dimensions, filled.clone(), pending);
            vectors = current;
            return current;
        }
    }

    /** Functions per block of {@link #put}'s layout: a block's 512 partial sums stay in the core's first-level cache. */
    static final int BLOCK = 512;

    /**
     * Stores function {@code i}'s vector of {@code n} functions' array. Functions come in blocks of {@link #BLOCK};
     * within a block, dimension by dimension: value {@code d} of every function of the block, then {@code d + 1}. So
     * {@link CatalogSearch#scan} multiplies one query value into a run of functions, a loop without a sum the JIT turns
     * into vector instructions, where one dot product per function is a chain of dependent additions. Values are
     * 16-bit floats: the scan reads memory at its bandwidth, and half the bytes is half the time. On unit vectors of
     * 384 values the rounding moves a cosine by less than 0.0001 (the API shows four decimals); the labelled benchmark
     * ranks the same.
     */
    static void put(short[] all, int n, int i, float[] vector) {
        int dimensions = vector.length;
        int start = i / BLOCK * BLOCK;
        int length = Math.min(BLOCK, n - start);
        int at = start * dimensions + (i - start);
        for (int d = 0; d < dimensions; d++) {
            all[at + d * length] = Float.floatToFloat16(vector[d]);
        }
    }
}
