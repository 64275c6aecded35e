package io.agentforge.calculator;

import io.agentforge.calculator.CalculationException.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The arithmetic of {@link Calculator} whose cost must not grow with its operands' exponents: every value is
 * bounded by {@link #checked}, sums, remainders, powers and roundings of tiny values are computed from digits, and
 * an expression's values share one work budget of {@code maxWorkDigits} digits.
 */
final class BoundedArithmetic {

    private static final MathContext DOUBLE_DIGITS = new MathContext(15, RoundingMode.HALF_EVEN);
    private static final double LN_10 = Math.log(10);
    private static final BigDecimal HALF = new BigDecimal("0.5");

    private final CalculatorLimits limits;
    /** Exact while a sum has at most maxDigits digits; a longer one is refused by UNNECESSARY and rounded instead. */
    private final MathContext exactSum;

    BoundedArithmetic(CalculatorLimits limits) {
        this.limits = limits;
        this.exactSum = new MathContext(limits.maxDigits(), RoundingMode.UNNECESSARY);
    }

    /**
     * Adds a new value's digits to the digits the expression has used so far and refuses the expression when that
     * exceeds {@code maxWorkDigits}. Each value is an operand of at most one operation, so this bounds the
     * operands' digits of them all.
     *
     * @return the digits used including {@code value}'s
     */
    long addWork(long workDigits, BigDecimal value, int position) {
        long total = workDigits + value.precision();
        if (total > limits.maxWorkDigits()) {
            throw new CalculationException(
                    Kind.TOO_COMPLEX,
                    ("Expression needs more than %d digits of" + " intermediate values")
                            .formatted(limits.maxWorkDigits()),
                    position);
        }
        return total;
    }

    BigDecimal power(BigDecimal base, BigDecimal exponent, int position) {
        if (base.compareTo(BigDecimal.ONE) == 0) {
            return BigDecimal.ONE;
        }
        if (exponent.stripTrailingZeros().scale() <= 0) {
            return integerPower(base, exponent, position);
        }
        if (base.signum() < 0) {
            throw new CalculationException(Kind.DOMAIN, "A negative base needs an integer exponent", position);
        }
        if (base.signum() == 0) {
            return exponent.signum() > 0 ? BigDecimal.ZERO : zeroToNegativePower(position);
        }
        double log10Result = exponent.doubleValue() * log10(base);
        requireMagnitude(log10Result, position);
        if (Math.abs(log10Result) < 300 && Math.abs(exponentOf(base)) < 300) {
            // Math.pow is accurate to an ulp; it only needs the base and the result to fit a double.
            return fromDouble(Math.pow(base.doubleValue(), exponent.doubleValue()), position);
        }
        double floor = Math.floor(log10Result);
        return checked(
                new BigDecimal(Math.pow(10, log10Result - floor), DOUBLE_DIGITS).scaleByPowerOfTen((int) floor),
                position);
    }

    private BigDecimal integerPower(BigDecimal base, BigDecimal exponent, int position) {
        if (exponent.abs().compareTo(BigDecimal.valueOf(limits.maxPowerExponent())) > 0) {
            throw new CalculationException(
                    Kind.TOO_LARGE, "Exponent exceeds %d in magnitude".formatted(limits.maxPowerExponent()), position);
        }
        int n = exponent.intValue();
        if (base.signum() == 0) {
            return n > 0 ? BigDecimal.ZERO : n == 0 ? BigDecimal.ONE : zeroToNegativePower(position);
        }
        // Refuse from an estimate before computing: an exact 9^10000 is cheap, but its digits would be discarded.
        requireMagnitude(n * log10(base.abs()), position);
        boolean exact = n >= 0 && (long) base.precision() * n <= limits.maxDigits();
        return checked(exact ? base.pow(n) : base.pow(n, MathContext.DECIMAL128), position);
    }

    private static BigDecimal zeroToNegativePower(int position) {
        throw new CalculationException(Kind.DIVISION_BY_ZERO, "Zero raised to a negative power", position);
    }

    BigDecimal round(BigDecimal value, BigDecimal places, int position) {
        if (places.stripTrailingZeros().scale() > 0
                || places.abs().compareTo(BigDecimal.valueOf(limits.maxExponent())) > 0) {
            throw new CalculationException(
                    Kind.DOMAIN,
                    "round places must be an integer from -%d to %d"
                            .formatted(limits.maxExponent(), limits.maxExponent()),
                    position);
        }
        return toPlaces(value, places.intValue(), RoundingMode.HALF_UP, position);
    }

    /**
     * {@code value} rounded to {@code places} decimal places. A value below a tenth of a unit in that place rounds
     * like any other of its sign there, so it is replaced by one with few digits first: {@code floor(1.5e-10000)}
     * then costs no division by 10^10000.
     */
    BigDecimal toPlaces(BigDecimal value, int places, RoundingMode mode, int position) {
        if (value.scale() <= places) {
            return value;
        }
        BigDecimal comparable =
                exponentOf(value) < (long) -places - 1 ? BigDecimal.valueOf(value.signum(), places + 2) : value;
        return checked(comparable.setScale(places, mode), position);
    }

    /**
     * Sum rounded like every other result: exact while it has at most {@code maxDigits} digits, else rounded to 34.
     * Rounded addition never builds the exact sum, which for {@code 1e10000 + 1e-10000} would have 20,001 digits.
     */
    BigDecimal sum(BigDecimal augend, BigDecimal addend) {
        try {
            return augend.add(addend, exactSum);
        } catch (ArithmeticException longerThanMaxDigits) {
            return augend.add(addend, MathContext.DECIMAL128);
        }
    }

    /**
     * Truncated remainder (the sign of the dividend) from the unscaled values, so that its cost depends on their
     * digits and not on their exponents: {@link BigDecimal#remainder} would compute {@code 1e10000 % 7e-10000}
     * through a quotient of 20,000 digits, this takes {@code 10^20000 mod 7} by modular exponentiation.
     */
    static BigDecimal remainder(BigDecimal dividend, BigDecimal divisor) {
        if (dividend.abs().compareTo(divisor.abs()) < 0) {
            return dividend;
        }
        BigInteger a = dividend.unscaledValue().abs();
        BigInteger b = divisor.unscaledValue().abs();
        long shift = (long) divisor.scale() - dividend.scale();
        BigInteger r;
        if (shift <= 0) {
            // |divisor| <= |dividend| and its last digit is not below the dividend's: aligning it to the dividend's
            // scale gives it at most as many digits as the dividend has.
            r = a.mod(b.multiply(BigInteger.TEN.pow(Math.toIntExact(-shift))));
        } else {
            // (a * 10^shift) mod b, however large the shift.
            r = a.mod(b)
                    .multiply(BigInteger.TEN.modPow(BigInteger.valueOf(shift), b))
                    .mod(b);
        }
        return new BigDecimal(dividend.signum() < 0 ? r.negate() : r, Math.max(dividend.scale(), divisor.scale()));
    }

    /** ln of a positive value of any magnitude, where {@code Math.log(x.doubleValue())} would overflow. */
    static double ln(BigDecimal positive) {
        if (isNearOne(positive)) {
            return Math.log1p(positive.subtract(BigDecimal.ONE).doubleValue());
        }
        int exponent = exponentOf(positive);
        return Math.log(positive.scaleByPowerOfTen(-exponent).doubleValue()) + exponent * LN_10;
    }

    static double log10(BigDecimal positive) {
        if (isNearOne(positive)) {
            return Math.log1p(positive.subtract(BigDecimal.ONE).doubleValue()) / LN_10;
        }
        int exponent = exponentOf(positive);
        return exponent + Math.log10(positive.scaleByPowerOfTen(-exponent).doubleValue());
    }

    /** Near 1 a logarithm is tiny; taking it of the exactly computed {@code x - 1} keeps its significant digits. */
    private static boolean isNearOne(BigDecimal positive) {
        return positive.compareTo(HALF) >= 0 && positive.compareTo(BigDecimal.TWO) <= 0;
    }

    /** The {@code e} of {@code d.ddd × 10^e}. */
    static int exponentOf(BigDecimal nonZero) {
        return nonZero.precision() - nonZero.scale() - 1;
    }

    private void requireMagnitude(double log10Result, int position) {
        if (!(Math.abs(log10Result) <= limits.maxExponent() + 1)) {
            throw new CalculationException(
                    Kind.TOO_LARGE,
                    log10Result > 0
                            ? "Result would exceed 10^%d in magnitude".formatted(limits.maxExponent() + 1)
                            : "Result would be non-zero but below 10^-%d in magnitude".formatted(limits.maxExponent()),
                    position);
        }
    }

    BigDecimal fromDouble(double value, int position) {
        if (!Double.isFinite(value)) {
            throw new CalculationException(Kind.TOO_LARGE, "Result exceeds the range of a double", position);
        }
        return checked(new BigDecimal(value, DOUBLE_DIGITS), position);
    }

    /**
     * Every value passes here, so no operand ever exceeds {@code maxDigits} significant digits or an exponent of
     * {@code ±maxExponent}: that is what keeps each next operation cheap.
     */
    BigDecimal checked(BigDecimal value, int position) {
        if (value.signum() == 0) {
            // A zero can carry any scale (0e-999999999); adding it to 1 would build a billion-digit number.
            return BigDecimal.ZERO;
        }
        requireInRange(value, position);
        BigDecimal bounded = value.precision() > limits.maxDigits() ? value.round(MathContext.DECIMAL128) : value;
        bounded = bounded.stripTrailingZeros();
        requireInRange(bounded, position);
        return bounded;
    }

    private void requireInRange(BigDecimal value, int position) {
        long exponent = (long) value.precision() - value.scale() - 1;
        if (exponent > limits.maxExponent()) {
            throw new CalculationException(
                    Kind.TOO_LARGE, "Value exceeds 10^%d in magnitude".formatted(limits.maxExponent() + 1), position);
        }
        if (exponent < -limits.maxExponent()) {
            throw new CalculationException(
                    Kind.TOO_LARGE,
                    "Value is non-zero but below 10^-%d in magnitude".formatted(limits.maxExponent()),
                    position);
        }
    }

    /** Integers get scale 0 so that {@code toString()} prints them plainly, as long as that stays short enough. */
    BigDecimal presentable(BigDecimal value) {
        return value.scale() < 0 && (long) value.precision() - value.scale() <= limits.maxDigits()
                ? value.setScale(0)
                : value;
    }
}
