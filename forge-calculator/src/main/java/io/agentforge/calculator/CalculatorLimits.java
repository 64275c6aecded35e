package io.agentforge.calculator;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Bounds that keep every evaluation cheap, whatever the input. The ceilings on each bound stop a misconfiguration
 * from reopening the doors the bounds close (stack exhaustion, million-digit arithmetic).
 *
 * <p>How they bound the work: every value (literal, constant, intermediate or result) carries at most
 * {@code maxDigits} significant digits and an exponent within {@code ±maxExponent}, and {@link Calculator} computes
 * each operation at a cost that depends on the digits of its operands only, never on how far apart their exponents
 * are ({@code 1e10000 % 7e-10000} builds no 20,000-digit quotient, {@code 1e10000 + 1e-10000} no 20,000-digit sum).
 * Every value an expression produces is charged its digits against {@code maxWorkDigits}, and each value is an
 * operand of at most one operation, so an expression's total work is at most proportional to
 * {@code maxDigits × maxWorkDigits} digit operations, whatever its exponents.
 *
 * @param maxLength        longest accepted expression, in {@code char}s
 * @param maxDepth         deepest nesting of parentheses, function calls, unary signs and chained powers (≤ 500)
 * @param maxDigits        most significant digits an exact result may carry (34 to 100,000); longer results are
 *                         rounded to 34 digits ({@link java.math.MathContext#DECIMAL128})
 * @param maxExponent      largest {@code |e|} of any non-zero value written as {@code d.ddd × 10^e} (≤ 1,000,000)
 * @param maxPowerExponent largest {@code |n|} of an integer exponent (≤ 1,000,000)
 * @param maxTrigArgument  largest {@code |x|} accepted by sin, cos and tan (positive, ≤ 10^15)
 * @param maxWorkDigits    most significant digits all values of one expression may carry together: every number,
 *                         constant, intermediate and result counts its digits ({@code maxDigits} to 1,000,000)
 */
public record CalculatorLimits(
        int maxLength,
        int maxDepth,
        int maxDigits,
        int maxExponent,
        int maxPowerExponent,
        BigDecimal maxTrigArgument,
        int maxWorkDigits) {

    // The defaults as constants, so that the tool descriptions can state them.
    static final int DEFAULT_MAX_LENGTH = 1_000;
    static final int DEFAULT_MAX_DEPTH = 64;
    static final int DEFAULT_MAX_DIGITS = 1_000;
    static final int DEFAULT_MAX_EXPONENT = 10_000;
    static final int DEFAULT_MAX_POWER_EXPONENT = 10_000;
    static final String DEFAULT_MAX_TRIG_ARGUMENT = "1e9";
    static final int DEFAULT_MAX_WORK_DIGITS = 100_000;

    // Declared before DEFAULTS, whose construction reads it.
    private static final BigDecimal TRIG_CEILING = new BigDecimal("1e15");

    public static final CalculatorLimits DEFAULTS = new CalculatorLimits(
            DEFAULT_MAX_LENGTH,
            DEFAULT_MAX_DEPTH,
            DEFAULT_MAX_DIGITS,
            DEFAULT_MAX_EXPONENT,
            DEFAULT_MAX_POWER_EXPONENT,
            new BigDecimal(DEFAULT_MAX_TRIG_ARGUMENT),
            DEFAULT_MAX_WORK_DIGITS);

    public CalculatorLimits {
        requireBetween("maxLength", maxLength, 1, Integer.MAX_VALUE);
        requireBetween("maxDepth", maxDepth, 1, 500);
        // Below 34 digits, rounding to DECIMAL128 would not bring a result back within the bound.
        requireBetween("maxDigits", maxDigits, 34, 100_000);
        requireBetween("maxExponent", maxExponent, 1, 1_000_000);
        requireBetween("maxPowerExponent", maxPowerExponent, 1, 1_000_000);
        Objects.requireNonNull(maxTrigArgument, "maxTrigArgument");
        if (maxTrigArgument.signum() <= 0 || maxTrigArgument.compareTo(TRIG_CEILING) > 0) {
            throw new IllegalArgumentException(
                    "maxTrigArgument must be in (0, 1e15] but was " + maxTrigArgument.toPlainString());
        }
        requireBetween("maxWorkDigits", maxWorkDigits, maxDigits, 1_000_000);
    }

    private static void requireBetween(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "%s must be between %d and %d but was %d".formatted(name, min, max, value));
        }
    }
}
