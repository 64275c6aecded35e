package io.agentforge.registry.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LexicalRankingTests {

    @Test
    void wordsSplitNamesDropCommonWordsAndMeetAcrossSuffixes() {
        assertThat(Words.terms("calculator_evaluate the fromCurrency"))
                .containsExactly("calculator", "evaluat", "currency");
        assertThat(Words.terms("converts converted converting")).containsOnly(Words.stem("convert"));
        assertThat(Words.terms("invoices")).containsExactly(Words.stem("invoice"));
    }

    @Test
    void aDocumentHoldingMoreOfTheRareQueryWordsRanksHigher() {
        Bm25 bm25 = new Bm25(List.of(
                Words.terms("convert currency amount"),
                Words.terms("convert units of length"),
                Words.terms("send an email")));

        double[] scores = bm25.scores(Words.terms("convert a currency"));

        assertThat(scores[0]).isGreaterThan(scores[1]);
        assertThat(scores[1]).isGreaterThan(0);
        assertThat(scores[2]).isZero();
    }

    @Test
    void theIdealScoreCountsUnknownWordsAtTheHighestIdf() {
        Bm25 bm25 = new Bm25(List.of(Words.terms("weather now"), Words.terms("music now playing")));
        List<String> query = Words.terms("raining in Berlin now");

        double ideal = bm25.ideal(query);

        // "now" is in both documents; "raining" and "berlin" in none, so one matched word is a small share.
        assertThat(bm25.scores(query)[0] / ideal).isLessThan(0.2);
        assertThat(ideal).isCloseTo(2 * Math.log(1 + 2.5 / 0.5) + Math.log(1 + 0.5 / 2.5), within(1e-9));
    }
}
