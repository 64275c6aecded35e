package io.agentforge.calculator;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Bounds that keep every evaluation cheap, whatever the input. The ceilings on each bound stop a misconfiguration
 * from reopening the doors the bounds close (stack exhaustion, million-digit arithmetic).
 *
 * @param maxLength        longest accepted expression, in {@code char}s
 * @param maxDepth         deepest nesting of parentheses, function calls, unary signs and chained powers (≤ 500)
 * @param maxDigits        most significant digits an exact result may carry (34 to 100,000); longer results are
 *                         rounded to 34 digits ({@link java.math.MathContext#DECIMAL128})
 * @param maxExponent      largest {@code |e|} of any non-zero value written as {@code d.ddd × 10^e} (≤ 1,000,000)
 * @param maxPowerExponent largest {@code |n|} of an integer exponent (≤ 1,000,000)
 * @param maxTrigArgument  largest {@code |x|} accepted by sin, cos and tan (positive, ≤ 10^15)
 */
public record CalculatorLimits(int maxLength, int maxDepth, int maxDigits, int maxExponent, int maxPowerExponent,
        BigDecimal maxTrigArgument) {

    // Declared before DEFAULTS, whose construction reads it.
    private static final BigDecimal TRIG_CEILING = new BigDecimal("1e15");

    public static final CalculatorLimits DEFAULTS =
            new CalculatorLimits(1_000, 64, 1_000, 10_000, 10_000, new BigDecimal("1e9"));

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
    }

    private static void requireBetween(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(
                    "%s must be between %d and %d but was %d".formatted(name, min, max, value));
        }
    }
}
