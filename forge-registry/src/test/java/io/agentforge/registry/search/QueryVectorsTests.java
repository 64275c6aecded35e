package io.agentforge.registry.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryVectorsTests {

    /** Counts what it is asked to embed; the vector's first value is the text's length. */
    private static final class CountingEmbedder implements TextEmbedder {
        final List<String> embedded = new ArrayList<>();

        @Override
        public float[] embed(String text) {
            embedded.add(text);
            return new float[] {text.length(), 1};
        }

        @Override
        public void close() {}
    }

    @Test
    void aRepeatedQuestionIsEmbeddedOnceWhateverItsCaseAndSpacing() {
        CountingEmbedder model = new CountingEmbedder();
        QueryVectors queries = new QueryVectors(8);

        float[] first = queries.embed(model, "Is it raining in  Berlin?");
        float[] again = queries.embed(model, "  is it RAINING in Berlin?\n");

        assertThat(again).isSameAs(first);
        // The model reads the key: lower case and single spaces, as its own tokenizer would see the text anyway.
        assertThat(model.embedded).containsExactly("is it raining in berlin?");
    }

    @Test
    void theLeastRecentlyUsedTextIsDroppedFirst() {
        CountingEmbedder model = new CountingEmbedder();
        QueryVectors queries = new QueryVectors(2);

        queries.embed(model, "weather");
        queries.embed(model, "flights");
        queries.embed(model, "weather"); // used again: now "flights" is the oldest
        queries.embed(model, "hotels");
        queries.embed(model, "weather");
        queries.embed(model, "flights");

        assertThat(queries.size()).isEqualTo(2);
        assertThat(model.embedded).containsExactly("weather", "flights", "hotels", "flights");
    }

    @Test
    void capacityZeroEmbedsEveryQuery() {
        CountingEmbedder model = new CountingEmbedder();
        QueryVectors queries = new QueryVectors(0);

        queries.embed(model, "weather");
        queries.embed(model, "weather");

        assertThat(model.embedded).containsExactly("weather", "weather");
        assertThat(queries.size()).isZero();
    }
}
