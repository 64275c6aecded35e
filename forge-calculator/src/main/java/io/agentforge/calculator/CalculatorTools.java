package io.agentforge.calculator;

import java.math.BigDecimal;
import java.util.function.Supplier;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.stereotype.Component;

/**
 * The calculator's functions, published to the registry by the starter: Spring AI tools over {@link Calculator}.
 * Refusals become problem details through {@link CalculationProblems}.
 */
@Component
class CalculatorTools {

    private static final String NUMBERS = " Numbers may be JSON numbers or numeric strings such as \"0.1\", of at"
            + " most " + CalculatorLimits.DEFAULT_MAX_DIGITS + " significant digits and magnitudes from 10^-"
            + CalculatorLimits.DEFAULT_MAX_EXPONENT + " to 10^" + CalculatorLimits.DEFAULT_MAX_EXPONENT + "; exact"
            + " results longer than " + CalculatorLimits.DEFAULT_MAX_DIGITS + " digits are rounded to 34."
            + " Answers {\"result\": \"<decimal string>\", \"expression\": \"...\"}; the result is a string so that"
            + " no digit is lost, e.g. 0.1 + 0.2 gives \"0.3\".";

    private final Calculator calculator;

    CalculatorTools(Calculator calculator) {
        this.calculator = calculator;
    }

    @Tool(name = "calculator_add", description = "Adds two numbers exactly: a + b." + NUMBERS)
    CalculationResult add(
            @ToolParam(description = "The first addend") BigDecimal a,
            @ToolParam(description = "The second addend") BigDecimal b) {
        return calculate(a, "+", b, () -> calculator.add(a, b));
    }

    @Tool(name = "calculator_subtract", description = "Subtracts exactly: a - b." + NUMBERS)
    CalculationResult subtract(
            @ToolParam(description = "The number to subtract from") BigDecimal a,
            @ToolParam(description = "The number to subtract") BigDecimal b) {
        return calculate(a, "-", b, () -> calculator.subtract(a, b));
    }

    @Tool(name = "calculator_multiply", description = "Multiplies exactly: a * b." + NUMBERS)
    CalculationResult multiply(
            @ToolParam(description = "The first factor") BigDecimal a,
            @ToolParam(description = "The second factor") BigDecimal b) {
        return calculate(a, "*", b, () -> calculator.multiply(a, b));
    }

    @Tool(
            name = "calculator_divide",
            description =
                    "Divides: a / b, rounded to 34 significant digits. Division by" + " zero is refused." + NUMBERS)
    CalculationResult divide(
            @ToolParam(description = "The dividend") BigDecimal a,
            @ToolParam(description = "The divisor, not zero") BigDecimal b) {
        return calculate(a, "/", b, () -> calculator.divide(a, b));
    }

    @Tool(
            name = "calculator_power",
            description = "Raises base to the power exponent: base ^ exponent. Integer"
                    + " exponents up to " + CalculatorLimits.DEFAULT_MAX_POWER_EXPONENT
                    + " in magnitude are exact while the"
                    + " result has at most " + CalculatorLimits.DEFAULT_MAX_DIGITS + " digits; fractional"
                    + " exponents need a non-negative base and give 15 significant digits." + NUMBERS)
    CalculationResult power(
            @ToolParam(description = "The base") BigDecimal base,
            @ToolParam(description = "The exponent") BigDecimal exponent) {
        return calculate(base, "^", exponent, () -> calculator.power(base, exponent));
    }

    @Tool(
            name = "calculator_sqrt",
            description = "Square root of a non-negative number, rounded to 34 significant" + " digits." + NUMBERS)
    CalculationResult sqrt(@ToolParam(description = "A number that is not negative") BigDecimal x) {
        return calculate("sqrt(" + x + ")", () -> calculator.sqrt(x));
    }

    @Tool(
            name = "calculator_modulo",
            description = "Remainder of a / b, truncated: it takes the sign of a"
                    + " (-7 modulo 3 is -1). b must not be zero." + NUMBERS)
    CalculationResult modulo(
            @ToolParam(description = "The dividend") BigDecimal a,
            @ToolParam(description = "The divisor, not zero") BigDecimal b) {
        return calculate(a, "%", b, () -> calculator.modulo(a, b));
    }

    @Tool(
            name = "calculator_evaluate",
            description = "Evaluates an arithmetic expression in exact decimal"
                    + " arithmetic, e.g. \"(0.1 + 0.2) * 3\" or \"round(sqrt(2), 4)\". Operators: + - * / % and ^ (power,"
                    + " right-associative, binding tighter than unary minus), parentheses, the constants pi and e, and the"
                    + " functions sqrt, abs, round(x) or round(x, places), floor, ceil, ln, log10, sin, cos, tan (radians),"
                    + " min and max. Limits: at most " + CalculatorLimits.DEFAULT_MAX_LENGTH + " characters and "
                    + CalculatorLimits.DEFAULT_MAX_DEPTH
                    + " levels of nesting; every number and intermediate value has at"
                    + " most " + CalculatorLimits.DEFAULT_MAX_DIGITS
                    + " significant digits (longer exact results are rounded"
                    + " to 34) and a magnitude from 10^-" + CalculatorLimits.DEFAULT_MAX_EXPONENT + " to 10^"
                    + CalculatorLimits.DEFAULT_MAX_EXPONENT + "; integer powers up to "
                    + CalculatorLimits.DEFAULT_MAX_POWER_EXPONENT
                    + "; sin, cos and tan of at most " + CalculatorLimits.DEFAULT_MAX_TRIG_ARGUMENT
                    + "; all values of one"
                    + " expression together at most " + CalculatorLimits.DEFAULT_MAX_WORK_DIGITS + " digits. Answers"
                    + " {\"result\": \"<decimal string>\", \"expression\": \"...\"}; errors name the limit and the 0-based"
                    + " position in the expression.")
    CalculationResult evaluate(@ToolParam(description = "The expression, e.g. \"2 * (3 + 4)\"") String expression) {
        return calculate(expression, () -> calculator.evaluate(expression));
    }

    private static CalculationResult calculate(
            BigDecimal left, String operator, BigDecimal right, Supplier<BigDecimal> operation) {
        return calculate(operand(left) + " " + operator + " " + operand(right), operation);
    }

    private static CalculationResult calculate(String expression, Supplier<BigDecimal> operation) {
        try {
            return CalculationResult.of(operation.get(), expression);
        } catch (CalculationException e) {
            throw CalculationProblems.of(e);
        }
    }

    /** Parenthesized when negative, so the expression reads as the operation that was done ({@code (-2) ^ 2}). */
    private static String operand(BigDecimal value) {
        return value.signum() < 0 ? "(" + value + ")" : value.toString();
    }
}
