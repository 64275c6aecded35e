package io.agentforge.calculator;

import io.agentforge.calculator.CalculationException.Kind;
import io.agentforge.calculator.ExpressionParser.Instruction;
import io.agentforge.calculator.ExpressionParser.Operator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * Evaluates arithmetic expressions in decimal arithmetic, within {@link CalculatorLimits}.
 *
 * <p>Grammar: numbers ({@code 42}, {@code 2.5}, {@code .5}, {@code 1e3}, {@code 2.5E-4}), binary {@code + - * / %}
 * and right-associative {@code ^} (binding tighter than unary {@code -}, so {@code -2^2 = -4}), unary {@code + -},
 * parentheses, the constants {@code pi} and {@code e}, and the functions {@code sqrt abs floor ceil ln log10 sin cos
 * tan}, {@code round(x)} or {@code round(x, places)}, and {@code min}/{@code max} of one or more arguments. Names
 * are case-sensitive; whitespace is ignored.
 *
 * <p>Precision: {@code + - * %} and non-negative integer powers are exact while the result has at most
 * {@code maxDigits} significant digits. Longer results, division, {@code sqrt} and negative integer powers are
 * rounded to 34 significant digits ({@link MathContext#DECIMAL128}, half-even). {@code ln}, {@code log10},
 * {@code sin}, {@code cos}, {@code tan} and non-integer powers are computed in {@code double} arithmetic and
 * rounded to 15 significant digits, the digits a double carries faithfully (results near the magnitude limits may
 * have fewer correct digits). A sine or cosine below the resolution of its 34-digit argument ({@code |x|·10^-33})
 * is reported as 0, so {@code sin(pi)} is 0 and {@code tan(pi/2)} is a {@link Kind#DOMAIN} error.
 * {@code %} is the truncated remainder (it takes the sign of the dividend); {@code round} rounds half away from
 * zero; {@code 0^0} is 1.
 *
 * <p>Results carry no trailing zeros, and integers of at most {@code maxDigits} digits have scale 0, so
 * {@link BigDecimal#toString()} prints {@code 10} rather than {@code 1E+1}.
 *
 * <p>Cost: each operation costs what the digits of its operands cost, never what their exponents would, and an
 * expression's values may carry at most {@code maxWorkDigits} digits together, so the work per expression is bounded
 * (see {@link CalculatorLimits}).
 *
 * <p>Instances are immutable and thread-safe. Bad input of any kind is refused with a {@link CalculationException};
 * only a {@code null} operand of a typed operation is a {@link NullPointerException}.
 */
public final class Calculator {

    // 63 significant digits, so that reducing trig arguments up to 10^15 by multiples of pi stays exact to 10^-45.
    private static final BigDecimal PI_63 =
            new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494459");
    private static final BigDecimal HALF_PI_63 = PI_63.divide(BigDecimal.TWO);

    /** π to 34 significant digits. */
    public static final BigDecimal PI = PI_63.round(MathContext.DECIMAL128);

    /** e to 34 significant digits. */
    public static final BigDecimal E =
            new BigDecimal("2.71828182845904523536028747135266249775724709369995").round(MathContext.DECIMAL128);

    private static final MathContext DOUBLE_DIGITS = new MathContext(15, RoundingMode.HALF_EVEN);
    // Trig arguments are at most 10^15, so 80 significant digits keep them exact to 10^-65, beyond what PI_63 resolves.
    private static final MathContext TRIG_DIGITS = new MathContext(80, RoundingMode.HALF_EVEN);
    private static final double LN_10 = Math.log(10);
    private static final BigDecimal HALF = new BigDecimal("0.5");
    private static final int NO_POSITION = -1;

    private final CalculatorLimits limits;
    /** Exact while a sum has at most maxDigits digits; a longer one is refused by UNNECESSARY and rounded instead. */
    private final MathContext exactSum;

    public Calculator() {
        this(CalculatorLimits.DEFAULTS);
    }

    public Calculator(CalculatorLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.exactSum = new MathContext(limits.maxDigits(), RoundingMode.UNNECESSARY);
    }

    public CalculatorLimits limits() {
        return limits;
    }

    /**
     * @param expression the expression; {@code null} is refused like an empty one
     * @return the value, never {@code null}
     * @throws CalculationException for any expression that is malformed, out of bounds or undefined
     */
    public BigDecimal evaluate(String expression) {
        if (expression == null) {
            throw new CalculationException(Kind.SYNTAX, "Expression is missing");
        }
        if (expression.length() > limits.maxLength()) {
            throw new CalculationException(Kind.TOO_LONG, "Expression has %d characters but at most %d are allowed"
                    .formatted(expression.length(), limits.maxLength()));
        }
        Deque<BigDecimal> stack = new ArrayDeque<>();
        long workDigits = 0;
        for (Instruction instruction : ExpressionParser.parse(expression, limits.maxDepth())) {
            BigDecimal value;
            int position;
            switch (instruction) {
                case Instruction.Push push -> {
                    value = checked(push.value(), push.position());
                    position = push.position();
                }
                case Instruction.Negate negate -> {
                    value = stack.pop().negate();
                    position = negate.position();
                }
                case Instruction.Operate operate -> {
                    BigDecimal right = stack.pop();
                    value = operate(operate.operator(), stack.pop(), right, operate.position());
                    position = operate.position();
                }
                case Instruction.Call call -> {
                    BigDecimal[] arguments = new BigDecimal[call.arity()];
                    for (int i = arguments.length - 1; i >= 0; i--) {
                        arguments[i] = stack.pop();
                    }
                    value = call(call.function(), arguments, call.position());
                    position = call.position();
                }
            }
            // Each value is an operand of at most one operation, so this bounds the operands' digits of them all.
            workDigits += value.precision();
            if (workDigits > limits.maxWorkDigits()) {
                throw new CalculationException(Kind.TOO_COMPLEX, ("Expression needs more than %d digits of"
                        + " intermediate values").formatted(limits.maxWorkDigits()), position);
            }
            stack.push(value);
        }
        return presentable(stack.pop());
    }

    public BigDecimal add(BigDecimal augend, BigDecimal addend) {
        return typed(Operator.ADD, augend, addend);
    }

    public BigDecimal subtract(BigDecimal minuend, BigDecimal subtrahend) {
        return typed(Operator.SUBTRACT, minuend, subtrahend);
    }

    public BigDecimal multiply(BigDecimal multiplicand, BigDecimal multiplier) {
        return typed(Operator.MULTIPLY, multiplicand, multiplier);
    }

    /** Quotient rounded to 34 significant digits. */
    public BigDecimal divide(BigDecimal dividend, BigDecimal divisor) {
        return typed(Operator.DIVIDE, dividend, divisor);
    }

    /** Truncated remainder: it takes the sign of the dividend, as {@code %} does in Java. */
    public BigDecimal modulo(BigDecimal dividend, BigDecimal divisor) {
        return typed(Operator.MODULO, dividend, divisor);
    }

    public BigDecimal power(BigDecimal base, BigDecimal exponent) {
        return typed(Operator.POWER, base, exponent);
    }

    /** Square root rounded to 34 significant digits, exact when that many digits hold it. */
    public BigDecimal sqrt(BigDecimal value) {
        return presentable(sqrt(operand(value), NO_POSITION));
    }

    private BigDecimal typed(Operator operator, BigDecimal left, BigDecimal right) {
        return presentable(operate(operator, operand(left), operand(right), NO_POSITION));
    }

    private BigDecimal operand(BigDecimal value) {
        return checked(Objects.requireNonNull(value, "operand"), NO_POSITION);
    }

    private BigDecimal operate(Operator operator, BigDecimal left, BigDecimal right, int position) {
        return switch (operator) {
            case ADD -> checked(sum(left, right), position);
            case SUBTRACT -> checked(sum(left, right.negate()), position);
            case MULTIPLY -> checked(left.multiply(right), position);
            case DIVIDE -> checked(left.divide(nonZero(right, "Division", position), MathContext.DECIMAL128), position);
            case MODULO -> checked(remainder(left, nonZero(right, "Modulo", position)), position);
            case POWER -> power(left, right, position);
        };
    }

    private BigDecimal call(MathFunction function, BigDecimal[] arguments, int position) {
        BigDecimal x = arguments[0];
        return switch (function) {
            case SQRT -> sqrt(x, position);
            case ABS -> x.abs();
            case ROUND -> round(x, arguments.length > 1 ? arguments[1] : BigDecimal.ZERO, position);
            case FLOOR -> toPlaces(x, 0, RoundingMode.FLOOR, position);
            case CEIL -> toPlaces(x, 0, RoundingMode.CEILING, position);
            case LN -> fromDouble(ln(positive(function, x, position)), position);
            case LOG10 -> fromDouble(log10(positive(function, x, position)), position);
            case SIN -> fromDouble(sine(trigArgument(function, x, position)), position);
            case COS -> fromDouble(sine(quarterTurnOn(trigArgument(function, x, position))), position);
            case TAN -> tangent(trigArgument(function, x, position), position);
            case MIN, MAX -> {
                int sign = function == MathFunction.MIN ? -1 : 1;
                BigDecimal extreme = x;
                for (BigDecimal argument : arguments) {
                    if (Integer.signum(argument.compareTo(extreme)) == sign) {
                        extreme = argument;
                    }
                }
                yield extreme;
            }
        };
    }

    private BigDecimal power(BigDecimal base, BigDecimal exponent, int position) {
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
        return checked(new BigDecimal(Math.pow(10, log10Result - floor), DOUBLE_DIGITS)
                .scaleByPowerOfTen((int) floor), position);
    }

    private BigDecimal integerPower(BigDecimal base, BigDecimal exponent, int position) {
        if (exponent.abs().compareTo(BigDecimal.valueOf(limits.maxPowerExponent())) > 0) {
            throw new CalculationException(Kind.TOO_LARGE,
                    "Exponent exceeds %d in magnitude".formatted(limits.maxPowerExponent()), position);
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

    private BigDecimal sqrt(BigDecimal value, int position) {
        if (value.signum() < 0) {
            throw new CalculationException(Kind.DOMAIN, "sqrt of a negative number", position);
        }
        return checked(value.sqrt(MathContext.DECIMAL128), position);
    }

    private BigDecimal round(BigDecimal value, BigDecimal places, int position) {
        if (places.stripTrailingZeros().scale() > 0
                || places.abs().compareTo(BigDecimal.valueOf(limits.maxExponent())) > 0) {
            throw new CalculationException(Kind.DOMAIN, "round places must be an integer from -%d to %d"
                    .formatted(limits.maxExponent(), limits.maxExponent()), position);
        }
        return toPlaces(value, places.intValue(), RoundingMode.HALF_UP, position);
    }

    /**
     * {@code value} rounded to {@code places} decimal places. A value below a tenth of a unit in that place rounds
     * like any other of its sign there, so it is replaced by one with few digits first: {@code floor(1.5e-10000)}
     * then costs no division by 10^10000.
     */
    private BigDecimal toPlaces(BigDecimal value, int places, RoundingMode mode, int position) {
        if (value.scale() <= places) {
            return value;
        }
        BigDecimal comparable = exponentOf(value) < (long) -places - 1
                ? BigDecimal.valueOf(value.signum(), places + 2)
                : value;
        return checked(comparable.setScale(places, mode), position);
    }

    /**
     * Sum rounded like every other result: exact while it has at most {@code maxDigits} digits, else rounded to 34.
     * Rounded addition never builds the exact sum, which for {@code 1e10000 + 1e-10000} would have 20,001 digits.
     */
    private BigDecimal sum(BigDecimal augend, BigDecimal addend) {
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
    private static BigDecimal remainder(BigDecimal dividend, BigDecimal divisor) {
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
            r = a.mod(b).multiply(BigInteger.TEN.modPow(BigInteger.valueOf(shift), b)).mod(b);
        }
        return new BigDecimal(dividend.signum() < 0 ? r.negate() : r, Math.max(dividend.scale(), divisor.scale()));
    }

    /** {@code x + π/2}, rounded so that a tiny {@code x} such as 1e-10000 builds no 10,000-digit sum. */
    private static BigDecimal quarterTurnOn(BigDecimal x) {
        return x.add(HALF_PI_63, TRIG_DIGITS);
    }

    private BigDecimal tangent(BigDecimal x, int position) {
        double cosine = sine(quarterTurnOn(x));
        if (cosine == 0) {
            throw new CalculationException(Kind.DOMAIN, "tan is undefined at odd multiples of pi/2", position);
        }
        return fromDouble(sine(x) / cosine, position);
    }

    /**
     * sin(y), reduced by the nearest multiple of π in 63-digit arithmetic so that large arguments keep their
     * accuracy. A sine below the resolution of a 34-digit argument cannot be told from 0 and is reported as 0.
     */
    private static double sine(BigDecimal y) {
        if (y.signum() == 0 || exponentOf(y) < -20) {
            // sin(y) = y to 40 digits, and y needs no reduction (nor a division at its scale of maybe 10,000).
            return y.doubleValue();
        }
        BigDecimal turns = y.divide(PI_63, 0, RoundingMode.HALF_EVEN);
        double sine = Math.sin(y.subtract(PI_63.multiply(turns)).doubleValue());
        if (Math.abs(sine) <= Math.abs(y.doubleValue()) * 1e-33) {
            return 0;
        }
        return turns.unscaledValue().testBit(0) ? -sine : sine;
    }

    private BigDecimal trigArgument(MathFunction function, BigDecimal x, int position) {
        if (x.abs().compareTo(limits.maxTrigArgument()) > 0) {
            throw new CalculationException(Kind.TOO_LARGE, "%s argument exceeds %s in magnitude"
                    .formatted(function.functionName(), limits.maxTrigArgument().toPlainString()), position);
        }
        return x;
    }

    private static BigDecimal positive(MathFunction function, BigDecimal x, int position) {
        if (x.signum() <= 0) {
            throw new CalculationException(Kind.DOMAIN, function.functionName() + " of a number that is not positive",
                    position);
        }
        return x;
    }

    private static BigDecimal nonZero(BigDecimal divisor, String operation, int position) {
        if (divisor.signum() == 0) {
            throw new CalculationException(Kind.DIVISION_BY_ZERO, operation + " by zero", position);
        }
        return divisor;
    }

    /** ln of a positive value of any magnitude, where {@code Math.log(x.doubleValue())} would overflow. */
    private static double ln(BigDecimal positive) {
        if (isNearOne(positive)) {
            return Math.log1p(positive.subtract(BigDecimal.ONE).doubleValue());
        }
        int exponent = exponentOf(positive);
        return Math.log(positive.scaleByPowerOfTen(-exponent).doubleValue()) + exponent * LN_10;
    }

    private static double log10(BigDecimal positive) {
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
    private static int exponentOf(BigDecimal nonZero) {
        return nonZero.precision() - nonZero.scale() - 1;
    }

    private void requireMagnitude(double log10Result, int position) {
        if (!(Math.abs(log10Result) <= limits.maxExponent() + 1)) {
            throw new CalculationException(Kind.TOO_LARGE, log10Result > 0
                    ? "Result would exceed 10^%d in magnitude".formatted(limits.maxExponent() + 1)
                    : "Result would be non-zero but below 10^-%d in magnitude".formatted(limits.maxExponent()),
                    position);
        }
    }

    private BigDecimal fromDouble(double value, int position) {
        if (!Double.isFinite(value)) {
            throw new CalculationException(Kind.TOO_LARGE, "Result exceeds the range of a double", position);
        }
        return checked(new BigDecimal(value, DOUBLE_DIGITS), position);
    }

    /**
     * Every value passes here, so no operand ever exceeds {@code maxDigits} significant digits or an exponent of
     * {@code ±maxExponent}: that is what keeps each next operation cheap.
     */
    private BigDecimal checked(BigDecimal value, int position) {
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
            throw new CalculationException(Kind.TOO_LARGE,
                    "Value exceeds 10^%d in magnitude".formatted(limits.maxExponent() + 1), position);
        }
        if (exponent < -limits.maxExponent()) {
            throw new CalculationException(Kind.TOO_LARGE,
                    "Value is non-zero but below 10^-%d in magnitude".formatted(limits.maxExponent()), position);
        }
    }

    /** Integers get scale 0 so that {@code toString()} prints them plainly, as long as that stays short enough. */
    private BigDecimal presentable(BigDecimal value) {
        return value.scale() < 0 && (long) value.precision() - value.scale() <= limits.maxDigits()
                ? value.setScale(0)
                : value;
    }
}
