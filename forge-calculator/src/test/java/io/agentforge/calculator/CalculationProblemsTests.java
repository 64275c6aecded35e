package io.agentforge.calculator;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.calculator.CalculationException.Kind;
import io.agentforge.starter.ToolProblemException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.HttpStatus;

class CalculationProblemsTests {

    @ParameterizedTest
    @CsvSource({
        "SYNTAX, 400, calculation-syntax",
        "UNKNOWN_NAME, 400, calculation-unknown-name",
        "TOO_LONG, 400, calculation-too-long",
        "TOO_DEEP, 400, calculation-too-deep",
        "TOO_COMPLEX, 400, calculation-too-complex",
        "DIVISION_BY_ZERO, 422, calculation-division-by-zero",
        "DOMAIN, 422, calculation-domain",
        "TOO_LARGE, 422, calculation-too-large"
    })
    void eachKindHasAStableTypeAndStatus(Kind kind, int status, String type) {
        ToolProblemException problem = CalculationProblems.of(new CalculationException(kind, "reason", 4));
        assertThat(problem.status().value()).isEqualTo(status);
        assertThat(problem.type()).hasToString("urn:agentforge:problem:" + type);
        assertThat(problem.getMessage()).isEqualTo("reason at position 4");
        assertThat(problem.properties()).isEqualTo(Map.of("position", 4));
    }

    @Test
    void aRefusalWithoutAPlaceHasNoPosition() {
        ToolProblemException problem = CalculationProblems.of(new CalculationException(Kind.TOO_LONG, "too long"));
        assertThat(problem.status()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(problem.properties()).isEmpty();
        assertThat(problem.getCause()).isInstanceOf(CalculationException.class);
    }
}
