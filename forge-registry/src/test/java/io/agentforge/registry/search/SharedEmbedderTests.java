package io.agentforge.registry.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedEmbedderTests {

    /** A stand-in model that counts how often it was made and whether it was closed. */
    static final class CountingModel implements TextEmbedder {
        boolean closed;

        @Override
        public float[] embed(String text) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            return new float[] {text.length()};
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    // A thread count no other test or context uses, so the process-wide table starts empty for it.
    private static final int THREADS = 977;

    @Test
    void contextsShareOneModelWhichClosesWhenTheLastLetsGo() {
        List<CountingModel> made = new ArrayList<>();
        TextEmbedder first = SharedEmbedder.acquire(THREADS, threads -> add(made));
        TextEmbedder second = SharedEmbedder.acquire(THREADS, threads -> add(made));

        assertThat(made).hasSize(1);
        assertThat(second.embed("abc")).containsExactly(3f);

        first.close();
        first.close();
        assertThat(made.getFirst().closed)
                .as("the second context still holds it")
                .isFalse();
        assertThat(second.embed("ab")).containsExactly(2f);
        assertThatThrownBy(() -> first.embed("x")).isInstanceOf(IllegalStateException.class);

        second.close();
        assertThat(made.getFirst().closed).isTrue();

        TextEmbedder third = SharedEmbedder.acquire(THREADS, threads -> add(made));
        assertThat(made).as("a context after all let go loads it again").hasSize(2);
        assertThat(third.embed("a")).containsExactly(1f);
        third.close();
    }

    private static CountingModel add(List<CountingModel> made) {
        CountingModel model = new CountingModel();
        made.add(model);
        return model;
    }
}
