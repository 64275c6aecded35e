package io.agentforge.calculator;

import io.agentforge.calculator.CalculationException.Kind;
import io.agentforge.starter.ToolProblemException;
import java.util.Locale;
import org.springframework.http.HttpStatus;

/**
 * Maps refusals of the calculator to problem details with stable types
 * {@code urn:agentforge:problem:calculation-<kind>}: a malformed or oversized expression is the caller's bad request
 * (400), a well-formed one whose value is undefined or out of range is unprocessable (422).
 */
final class CalculationProblems {

    private CalculationProblems() {}

    static ToolProblemException of(CalculationException e) {
        Kind kind = e.kind();
        HttpStatus status = switch (kind) {
            case SYNTAX, UNKNOWN_NAME, TOO_LONG, TOO_DEEP, TOO_COMPLEX -> HttpStatus.BAD_REQUEST;
            case DIVISION_BY_ZERO, DOMAIN, TOO_LARGE -> HttpStatus.UNPROCESSABLE_CONTENT;
        };
        String title = switch (kind) {
            case SYNTAX -> "Syntax error";
            case UNKNOWN_NAME -> "Unknown name";
            case TOO_LONG -> "Expression too long";
            case TOO_DEEP -> "Expression nested too deeply";
            case TOO_COMPLEX -> "Expression needs too much work";
            case DIVISION_BY_ZERO -> "Division by zero";
            case DOMAIN -> "Outside the domain";
            case TOO_LARGE -> "Number out of range";
        };
        ToolProblemException problem = new ToolProblemException(status, type(kind), title, e.getMessage(), e);
        e.position().ifPresent(position -> problem.with("position", position));
        return problem;
    }

    /** {@code calculation-division-by-zero} for {@link Kind#DIVISION_BY_ZERO}. */
    static String type(Kind kind) {
        return "calculation-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
