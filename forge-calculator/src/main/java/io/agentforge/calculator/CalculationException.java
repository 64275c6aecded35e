package io.agentforge.calculator;

import java.io.Serial;
import java.util.OptionalInt;

/**
 * Refusal of an expression or operation, with a stable {@link Kind} and, where the problem has a place in the
 * expression, its 0-based character ({@code char}) position.
 */
public final class CalculationException extends RuntimeException {

    /** Stable error kinds; callers map them to problem types, so never rename one. */
    public enum Kind {
        /** Malformed expression: unexpected token, missing parenthesis, wrong number of function arguments. */
        SYNTAX,
        /** A function or constant name the calculator does not know. */
        UNKNOWN_NAME,
        DIVISION_BY_ZERO,
        /** An argument outside the function's domain, such as {@code sqrt(-1)} or {@code ln(0)}. */
        DOMAIN,
        /** The expression is longer than {@link CalculatorLimits#maxLength()}. */
        TOO_LONG,
        /** The expression nests deeper than {@link CalculatorLimits#maxDepth()}. */
        TOO_DEEP,
        /** A number, exponent or result beyond the magnitude the limits allow. */
        TOO_LARGE,
        /** The expression's values carry more digits together than {@link CalculatorLimits#maxWorkDigits()}. */
        TOO_COMPLEX
    }

    @Serial
    private static final long serialVersionUID = 1L;

    private static final int NO_POSITION = -1;

    private final Kind kind;
    private final int position;

    CalculationException(Kind kind, String reason, int position) {
        super(position == NO_POSITION ? reason : reason + " at position " + position);
        this.kind = kind;
        this.position = position;
    }

    CalculationException(Kind kind, String reason) {
        this(kind, reason, NO_POSITION);
    }

    public Kind kind() {
        return kind;
    }

    /** The 0-based index into the expression, empty for typed operations and whole-expression limits. */
    public OptionalInt position() {
        return position == NO_POSITION ? OptionalInt.empty() : OptionalInt.of(position);
    }
}
