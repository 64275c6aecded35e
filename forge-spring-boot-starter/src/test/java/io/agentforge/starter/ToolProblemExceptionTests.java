package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;

class ToolProblemExceptionTests {

    @Test
    void theKindBecomesAnAgentForgeProblemType() {
        ToolProblemException problem = new ToolProblemException(
                        HttpStatus.UNPROCESSABLE_CONTENT,
                        "calculation-domain",
                        "Outside the domain",
                        "sqrt of a negative number")
                .with("position", 5);
        assertThat(problem.type()).isEqualTo(URI.create("urn:agentforge:problem:calculation-domain"));
        assertThat(problem.getMessage()).isEqualTo("sqrt of a negative number");
        assertThat(problem.properties()).isEqualTo(Map.of("position", 5));
    }

    @Test
    void onlyClientErrorsAreAllowed() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ToolProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "broken", "Broken", "x"));
    }

    @Test
    void kindsAndMemberNamesAreChecked() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ToolProblemException(HttpStatus.BAD_REQUEST, "Not A Kind", "t", "d"));
        ToolProblemException problem = new ToolProblemException(HttpStatus.BAD_REQUEST, "k", "t", "d");
        assertThatIllegalArgumentException().isThrownBy(() -> problem.with("status", 500));
        assertThatIllegalArgumentException().isThrownBy(() -> problem.with("bad name", 1));
    }

    @Test
    void nullMembersAreLeftOut() {
        assertThat(new ToolProblemException(HttpStatus.BAD_REQUEST, "k", "t", "d")
                        .with("position", null)
                        .properties())
                .isEmpty();
    }
}
