package io.agentforge.agent.llm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OfflineChatModelTests {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            what is 12.5% of 240?     | 12.5 / 100 * 240
            (3+4)*2                   | (3+4)*2
            What is 2 plus 3?         | 2 + 3
            calculate 10 divided by 4 | 10 / 4
            square root of 16         | sqrt(16)
            how much is 3 x 5         | 3 * 5
            sqrt(2) * 2               | sqrt(2) * 2
            """)
    void arithmeticQuestionsBecomeCalculatorExpressions(String question, String expression) {
        assertThat(OfflineChatModel.expression(question)).contains(expression);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "hello there",
                "what is the capital of France?",
                "tell me 3 jokes",
                "42",
                "",
                "rm -rf /",
                "1; drop table users"
            })
    void anythingElseIsNotTreatedAsArithmetic(String question) {
        assertThat(OfflineChatModel.expression(question)).isEmpty();
    }
}
