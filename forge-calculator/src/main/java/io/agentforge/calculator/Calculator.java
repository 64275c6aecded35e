package io.agentforge.calculator;

import io.agentforge.calculator.CalculationException.Kind;
import io.agentforge.calculator.ExpressionParser.Instruction;
import io.agentforge.calculator.ExpressionParser.Operator;
import java.math.BigDecimal;
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

    // Trig arguments are at most 10^15, so 80 significant digits keep them exact to 10^-65, beyond what PI_63 resolves.
    private static final MathContext TRIG_DIGITS = new MathContext(80, RoundingMode.HALF_EVEN);
    private static final int NO_POSITION = -1;

    private final CalculatorLimits limits;
    private final BoundedArithmetic arithmetic;

    public Calculator() {
        this(CalculatorLimits.DEFAULTS);
    }

    public Calculator(CalculatorLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.arithmetic = new BoundedArithmetic(limits);
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
            throw new CalculationException(
                    Kind.TOO_LONG,
                    "Expression has %d characters but at most %d are allowed"
                            .formatted(expression.length(), limits.maxLength()));
        }
        Deque<BigDecimal> stack = new ArrayDeque<>();
        long workDigits = 0;
        for (Instruction instruction : ExpressionParser.parse(expression, limits.maxDepth())) {
            BigDecimal value;
            int position;
            switch (instruction) {
                case Instruction.Push push -> {
                    value = arithmetic.checked(push.value(), push.position());
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
            workDigits = arithmetic.addWork(workDigits, value, position);
            stack.push(value);
        }
        return arithmetic.presentable(stack.pop());
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
        return arithmetic.presentable(sqrt(operand(value), NO_POSITION));
    }

    private BigDecimal typed(Operator operator, BigDecimal left, BigDecimal right) {
        return arithmetic.presentable(operate(operator, operand(left), operand(right), NO_POSITION));
    }

    private BigDecimal operand(BigDecimal value) {
        return arithmetic.checked(Objects.requireNonNull(value, "operand"), NO_POSITION);
    }

    private BigDecimal operate(Operator operator, BigDecimal left, BigDecimal right, int position) {
        return switch (operator) {
            case ADD -> arithmetic.checked(arithmetic.sum(left, right), position);
            case SUBTRACT -> arithmetic.checked(arithmetic.sum(left, right.negate()), position);
            case MULTIPLY -> arithmetic.checked(left.multiply(right), position);
            case DIVIDE ->
                arithmetic.checked(left.divide(nonZero(right, "Division", position), MathContext.DECIMAL128), position);
            case MODULO ->
                arithmetic.checked(BoundedArithmetic.remainder(left, nonZero(right, "Modulo", position)), position);
            case POWER -> arithmetic.power(left, right, position);
        };
    }

    private BigDecimal call(MathFunction function, BigDecimal[] arguments, int position) {
        BigDecimal x = arguments[0];
        return switch (function) {
            case SQRT -> sqrt(x, position);
            case ABS -> x.abs();
            case ROUND -> arithmetic.round(x, arguments.length > 1 ? arguments[1] : BigDecimal.ZERO, position);
            case FLOOR -> arithmetic.toPlaces(x, 0, RoundingMode.FLOOR, position);
            case CEIL -> arithmetic.toPlaces(x, 0, RoundingMode.CEILING, position);
            case LN -> arithmetic.fromDouble(BoundedArithmetic.ln(positive(function, x, position)), position);
            case LOG10 -> arithmetic.fromDouble(BoundedArithmetic.log10(positive(function, x, position)), position);
            case SIN -> arithmetic.fromDouble(sine(trigArgument(function, x, position)), position);
            case COS -> arithmetic.fromDouble(sine(quarterTurnOn(trigArgument(function, x, position))), position);
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

    private BigDecimal sqrt(BigDecimal value, int position) {
        if (value.signum() < 0) {
            throw new CalculationException(Kind.DOMAIN, "sqrt of a negative number", position);
        }
        return arithmetic.checked(value.sqrt(MathContext.DECIMAL128), position);
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
        return arithmetic.fromDouble(sine(x) / cosine, position);
    }

    /**
     * sin(y), reduced by the nearest multiple of π in 63-digit arithmetic so that large arguments keep their
     * accuracy. A sine below the resolution of a 34-digit argument cannot be told from 0 and is reported as 0.
     */
    private static double sine(BigDecimal y) {
        if (y.signum() == 0 || BoundedArithmetic.exponentOf(y) < -20) {
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
            throw new CalculationException(
                    Kind.TOO_LARGE,
                    "%s argument exceeds %s in magnitude"
                            .formatted(
                                    function.functionName(),
                                    limits.maxTrigArgument().toPlainString()),
                    position);
        }
        return x;
    }

    private static BigDecimal positive(MathFunction function, BigDecimal x, int position) {
        if (x.signum() <= 0) {
            throw new CalculationException(
                    Kind.DOMAIN, function.functionName() + " of a number that is not positive", position);
        }
        return x;
    }

    private static BigDecimal nonZero(BigDecimal divisor, String operation, int position) {
        if (divisor.signum() == 0) {
            throw new CalculationException(Kind.DIVISION_BY_ZERO, operation + " by zero", position);
        }
        return divisor;
    }
}
