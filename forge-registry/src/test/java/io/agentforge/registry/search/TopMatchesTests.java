package io.agentforge.registry.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.agentforge.registry.api.Catalog.CatalogFunction;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopMatchesTests {

    private static CatalogFunction[] functions(String... names) {
        return java.util.Arrays.stream(names)
                .map(name -> new CatalogFunction(name, "", Map.of(), null, "svc"))
                .toArray(CatalogFunction[]::new);
    }

    @Test
    void theBestScoresComeFirstEqualScoresByNameAndNanIsNoResult() {
        CatalogFunction[] functions = functions("e", "d", "c", "b", "a");
        double[] score = {0.5, Double.NaN, 0.9, 0.5, 0.1};

        assertThat(CatalogSearch.top(score, 3, functions)).containsExactly(2, 3, 0);
        assertThat(CatalogSearch.top(score, 10, functions)).containsExactly(2, 3, 0, 4);
        assertThat(CatalogSearch.top(new double[] {Double.NaN}, 5, functions("x")))
                .isEmpty();
    }

    @Test
    void agreesWithSortingEverything() {
        Random random = new Random(7);
        int n = 2_000;
        CatalogFunction[] functions = functions(
                IntStream.range(0, n).mapToObj(i -> "f" + random.nextInt(500)).toArray(String[]::new));
        // Few distinct values, so many ties are settled by name.
        double[] score = IntStream.range(0, n)
                .mapToDouble(i -> i % 11 == 0 ? Double.NaN : random.nextInt(20) / 20.0)
                .toArray();
        int[] sorted = IntStream.range(0, n)
                .filter(i -> !Double.isNaN(score[i]))
                .boxed()
                .sorted((a, b) -> score[a] != score[b]
                        ? Double.compare(score[b], score[a])
                        : functions[a].name().compareTo(functions[b].name()))
                .mapToInt(Integer::intValue)
                .toArray();

        for (int k : new int[] {1, 5, 10, 100}) {
            int[] top = CatalogSearch.top(score, k, functions);
            assertThat(IntStream.of(top).mapToObj(i -> functions[i].name() + "=" + score[i]))
                    .containsExactlyElementsOf(IntStream.of(sorted)
                            .limit(k)
                            .mapToObj(i -> functions[i].name() + "=" + score[i])
                            .toList());
        }
    }

    @Test
    void theScanGivesEachStoredVectorsDotProductWithTheQuery() {
        Random random = new Random(11);
        int dimensions = 384;
        // Two full blocks and a partial one; every third function has no vector yet.
        int n = 2 * SearchIndex.BLOCK + 77;
        short[] all = new short[n * dimensions];
        float[][] vectors = new float[n][];
        for (int i = 0; i < n; i++) {
            if (i % 3 != 0) {
                vectors[i] = unit(random, dimensions);
                SearchIndex.put(all, n, i, vectors[i]);
            }
        }
        float[] query = unit(random, dimensions);

        float[] scores = CatalogSearch.scan(query, all, n);

        for (int i = 0; i < n; i++) {
            double expected = 0;
            for (int d = 0; vectors[i] != null && d < dimensions; d++) {
                expected += query[d] * vectors[i][d];
            }
            assertThat(scores[i]).as("function %d", i).isCloseTo((float) expected, within(1e-4f));
        }
    }

    private static float[] unit(Random random, int dimensions) {
        float[] v = new float[dimensions];
        double norm = 0;
        for (int d = 0; d < dimensions; d++) {
            v[d] = (float) random.nextGaussian();
            norm += v[d] * v[d];
        }
        for (int d = 0; d < dimensions; d++) {
            v[d] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
