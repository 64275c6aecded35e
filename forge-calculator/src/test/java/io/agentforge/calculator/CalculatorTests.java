package io.agentforge.calculator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.agentforge.calculator.CalculationException.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CalculatorTests {

    private final Calculator calculator = new Calculator();

    private String evaluate(String expression) {
        return calculator.evaluate(expression).toPlainString();
    }

    private CalculationException refusal(String expression) {
        Throwable thrown = catchThrowable(() -> calculator.evaluate(expression));
        assertThat(thrown).as(expression).isInstanceOf(CalculationException.class);
        return (CalculationException) thrown;
    }

    @Nested
    class Numbers {

        @ParameterizedTest
        @CsvSource({
            "42, 42",
            "2.50, 2.5",
            ".5, 0.5",
            "5., 5",
            "1e3, 1000",
            "2.5E-4, 0.00025",
            "1E+2, 100",
            "'  7\t', 7",
            "007, 7",
            "0.000, 0",
            "1e10000, 1e10000"
        })
        void literalsAreReadAsExactDecimals(String expression, String expected) {
            assertThat(calculator.evaluate(expression)).isEqualByComparingTo(expected);
        }

        @Test
        void constantsCarryThirtyFourDigits() {
            assertThat(evaluate("pi")).isEqualTo("3.141592653589793238462643383279503");
            assertThat(evaluate("e")).isEqualTo("2.718281828459045235360287471352662");
        }

        @Test
        void integersPrintPlainlyAndWithoutTrailingZeros() {
            assertThat(calculator.evaluate("5 * 2")).hasToString("10");
            assertThat(calculator.evaluate("1e3")).hasToString("1000");
            assertThat(calculator.evaluate("1.50 + 1.50")).hasToString("3");
            assertThat(calculator.evaluate("0.1 * 10")).hasToString("1");
            assertThat(calculator.evaluate("1.250 * 2")).hasToString("2.5");
        }
    }

    @Nested
    class Arithmetic {

        @ParameterizedTest
        @CsvSource({
            "0.1 + 0.2, 0.3",
            "1 - 0.9, 0.1",
            "1.1 * 1.1, 1.21",
            "10 / 4, 2.5",
            "1 / 3, 0.3333333333333333333333333333333333",
            "2 / 3, 0.6666666666666666666666666666666667",
            "7 % 3, 1",
            "-7 % 3, -1",
            "7.5 % 2, 1.5",
            "2 ^ 10, 1024",
            "2 ^ -2, 0.25",
            "1.5 ^ 2, 2.25",
            "0 ^ 0, 1",
            "(-2) ^ 3, -8",
            "1 ^ 1e9, 1",
            "8 ^ (1/3), 2",
            "2 ^ 0.5, 1.4142135623731",
            "4 ^ 2.5, 32",
            "123456789012345678901234567890 * 10, 1234567890123456789012345678900"
        })
        void operatorsMatchTheirDecimalResults(String expression, String expected) {
            assertThat(evaluate(expression)).isEqualTo(expected);
        }

        @Test
        void integerPowersAreExactWhileTheyFitTheDigitLimit() {
            assertThat(calculator.evaluate("2^1000")).isEqualTo(BigDecimal.TWO.pow(1000));
            assertThat(calculator.evaluate("0.5^100")).isEqualTo(new BigDecimal("0.5").pow(100));
        }

        @Test
        void longerResultsAreRoundedToThirtyFourDigits() {
            assertThat(calculator.evaluate("1.01^1000"))
                    .isEqualTo(new BigDecimal("1.01")
                            .pow(1000, MathContext.DECIMAL128)
                            .stripTrailingZeros());
            assertThat(calculator.evaluate("2^10000"))
                    .isEqualByComparingTo(BigDecimal.TWO.pow(10_000, MathContext.DECIMAL128));
        }

        @Test
        void valuesUpToTheExponentLimitAreAccepted() {
            assertThat(calculator.evaluate("10^10000")).isEqualByComparingTo("1e10000");
            assertThat(calculator.evaluate("10^-10000")).isEqualByComparingTo("1e-10000");
        }
    }

    @Nested
    class PrecedenceAndAssociativity {

        @ParameterizedTest
        @CsvSource({
            "1 + 2 * 3, 7",
            "(1 + 2) * 3, 9",
            "10 - 4 - 3, 3",
            "100 / 10 / 5, 2",
            "2 * 3 % 4, 2",
            "2 ^ 3 ^ 2, 512",
            "(2 ^ 3) ^ 2, 64",
            "-2 ^ 2, -4",
            "(-2) ^ 2, 4",
            "2 ^ -1, 0.5",
            "2 ^ -2 ^ 2, 0.0625",
            "-3 * 2, -6",
            "2 * -3, -6",
            "1 - -1, 2",
            "--3, 3",
            "+-+3, -3",
            "-(1 + 2) * 2, -6",
            "2 * 3 ^ 2, 18",
            "-2 ^ 2 + 5, 1"
        })
        void operatorsBindAndAssociateConventionally(String expression, String expected) {
            assertThat(evaluate(expression)).isEqualTo(expected);
        }
    }

    @Nested
    class Functions {

        @ParameterizedTest
        @CsvSource({
            "sqrt(16), 4",
            "sqrt(0.25), 0.5",
            "sqrt(2), 1.414213562373095048801688724209698",
            "abs(-3.5), 3.5",
            "round(2.5), 3",
            "round(-2.5), -3",
            "round(2.4), 2",
            "'round(3.14159, 2)', 3.14",
            "'round(1250, -2)', 1300",
            "'round(7, 3)', 7",
            "floor(-1.5), -2",
            "ceil(-1.5), -1",
            "floor(2), 2",
            "ceil(1.000001), 2",
            "ln(1), 0",
            "ln(e), 1",
            "ln(2), 0.693147180559945",
            "ln(1.0000001), 0.0000000999999950000003",
            "log10(1000), 3",
            "log10(0.001), -3",
            "log10(1e5000), 5000",
            "sin(0), 0",
            "sin(pi), 0",
            "sin(pi / 6), 0.5",
            "cos(pi), -1",
            "cos(pi / 2), 0",
            "tan(pi / 4), 1",
            "'min(3, 1, 2)', 1",
            "'max(3, 1, 2)', 3",
            "min(5), 5",
            "'max(-1, -1.5)', -1",
            "'sqrt(abs(-16)) + max(1, min(4, 9))', 8"
        })
        void functionsMatchTheirReferenceValues(String expression, String expected) {
            assertThat(evaluate(expression)).isEqualTo(expected);
        }

        @Test
        void trigonometryOfLargeArgumentsKeepsDoubleAccuracy() {
            // 1e9 is exact as a double, so Math.sin is the reference.
            assertThat(calculator.evaluate("sin(1e9)"))
                    .isEqualTo(new BigDecimal(Math.sin(1e9), new MathContext(15)).stripTrailingZeros());
        }
    }

    @Nested
    class Refusals {

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
                (1 + 2))           | SYNTAX           | 7 | Unexpected ')' at position 7
                1 +                | SYNTAX           | 3 | Unexpected end of expression at position 3
                (1 + 2             | SYNTAX           | 6 | Expected ')' but found end of expression at position 6
                2 3                | SYNTAX           | 2 | Unexpected '3' at position 2
                1 $ 2              | SYNTAX           | 2 | Unexpected character '$' at position 2
                2(3)               | SYNTAX           | 1 | Unexpected '(' at position 1
                sqrt 4             | SYNTAX           | 5 | Expected '(' after sqrt but found '4' at position 5
                sqrt()             | SYNTAX           | 0 | sqrt takes 1 argument but got 0 at position 0
                round(1, 2, 3)     | SYNTAX           | 0 | round takes 1 to 2 arguments but got 3 at position 0
                1, 2               | SYNTAX           | 1 | Unexpected ',' at position 1
                1.2.3              | SYNTAX           | 3 | Unexpected '.3' at position 3
                foo(1)             | UNKNOWN_NAME     | 0 | Unknown function 'foo' (known: abs, ceil, cos, floor, ln, log10, max, min, round, sin, sqrt, tan) at position 0
                1 + x              | UNKNOWN_NAME     | 4 | Unknown constant 'x' (known: e, pi) at position 4
                Pi                 | UNKNOWN_NAME     | 0 | Unknown constant 'Pi' (known: e, pi) at position 0
                1 / 0              | DIVISION_BY_ZERO | 2 | Division by zero at position 2
                5 % (1 - 1)        | DIVISION_BY_ZERO | 2 | Modulo by zero at position 2
                0 ^ -1             | DIVISION_BY_ZERO | 2 | Zero raised to a negative power at position 2
                sqrt(-1)           | DOMAIN           | 0 | sqrt of a negative number at position 0
                ln(0)              | DOMAIN           | 0 | ln of a number that is not positive at position 0
                1 + log10(-5)      | DOMAIN           | 4 | log10 of a number that is not positive at position 4
                (-8) ^ (1/3)       | DOMAIN           | 5 | A negative base needs an integer exponent at position 5
                round(1, 0.5)      | DOMAIN           | 0 | round places must be an integer from -10000 to 10000 at position 0
                tan(pi / 2)        | DOMAIN           | 0 | tan is undefined at odd multiples of pi/2 at position 0
                9^9^9^9            | TOO_LARGE        | 3 | Exponent exceeds 10000 in magnitude at position 3
                10 ^ 10001         | TOO_LARGE        | 3 | Exponent exceeds 10000 in magnitude at position 3
                1e5000 ^ 3         | TOO_LARGE        | 7 | Result would exceed 10^10001 in magnitude at position 7
                0.1 ^ -10001.5     | TOO_LARGE        | 4 | Result would exceed 10^10001 in magnitude at position 4
                2 ^ -40000.5       | TOO_LARGE        | 2 | Result would be non-zero but below 10^-10000 in magnitude at position 2
                1e10001            | TOO_LARGE        | 0 | Value exceeds 10^10001 in magnitude at position 0
                1 + 1e-10001       | TOO_LARGE        | 4 | Value is non-zero but below 10^-10000 in magnitude at position 4
                1e99999999999      | TOO_LARGE        | 0 | Number '1e99999999999' is out of range at position 0
                1e9999 * 100       | TOO_LARGE        | 7 | Value exceeds 10^10001 in magnitude at position 7
                sin(2e9)           | TOO_LARGE        | 0 | sin argument exceeds 1000000000 in magnitude at position 0
                """)
        void badInputIsRefusedWithKindAndPosition(String expression, Kind kind, int position, String message) {
            CalculationException refusal = refusal(expression);

            assertThat(refusal.kind()).isEqualTo(kind);
            assertThat(refusal.position()).hasValue(position);
            assertThat(refusal).hasMessage(message);
        }

        @Test
        void emptyAndMissingExpressionsAreSyntaxErrorsWithoutPosition() {
            for (String expression : new String[] {"", "   ", null}) {
                CalculationException refusal = refusal(expression);
                assertThat(refusal.kind()).isEqualTo(Kind.SYNTAX);
                assertThat(refusal.position()).isEqualTo(OptionalInt.empty());
            }
        }

        @Test
        void expressionsLongerThanTheLimitAreTooLong() {
            CalculationException refusal = refusal("1+".repeat(500) + "1");

            assertThat(refusal.kind()).isEqualTo(Kind.TOO_LONG);
            assertThat(refusal).hasMessage("Expression has 1001 characters but at most 1000 are allowed");
            assertThat(calculator.evaluate("1+".repeat(499) + "1")).isEqualByComparingTo("500");
        }

        @Test
        void nestingUpToTheLimitIsAccepted() {
            assertThat(calculator.evaluate("(".repeat(64) + "1" + ")".repeat(64)))
                    .isEqualByComparingTo("1");
            assertThat(calculator.evaluate("-".repeat(64) + "1")).isEqualByComparingTo("1");
        }

        @ParameterizedTest
        @CsvSource({"(, 1, ), 64", "-, 1, '', 64", "sqrt(, 1, ), 324", "1^, 1, '', 129"})
        void nestingBeyondTheLimitIsTooDeepAtTheFirstLevelTooMany(
                String open, String inner, String close, int position) {
            CalculationException refusal = refusal(open.repeat(65) + inner + close.repeat(65));

            assertThat(refusal.kind()).isEqualTo(Kind.TOO_DEEP);
            assertThat(refusal.position()).hasValue(position);
        }

        @Test
        void unprintableCharactersAreNamedByCodePoint() {
            assertThat(refusal("1 +\u0000 2")).hasMessage("Unexpected character U+0000 at position 3");
        }
    }

    @Nested
    class TypedOperations {

        private static BigDecimal d(String value) {
            return new BigDecimal(value);
        }

        @Test
        void operationsAreExactWhereDecimalArithmeticIs() {
            assertThat(calculator.add(d("0.1"), d("0.2"))).hasToString("0.3");
            assertThat(calculator.subtract(d("1"), d("0.9"))).hasToString("0.1");
            assertThat(calculator.multiply(d("2.50"), d("4"))).hasToString("10");
            assertThat(calculator.modulo(d("-7"), d("3"))).hasToString("-1");
            assertThat(calculator.power(d("2"), d("10"))).hasToString("1024");
            assertThat(calculator.sqrt(d("16"))).hasToString("4");
        }

        @Test
        void divisionRoundsToThirtyFourDigits() {
            assertThat(calculator.divide(d("1"), d("3"))).isEqualTo(d("1").divide(d("3"), MathContext.DECIMAL128));
        }

        @Test
        void refusalsCarryTheirKindButNoPosition() {
            assertThat(catchThrowable(() -> calculator.divide(d("1"), d("0"))))
                    .isInstanceOfSatisfying(CalculationException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.DIVISION_BY_ZERO);
                        assertThat(e.position()).isEmpty();
                        assertThat(e).hasMessage("Division by zero");
                    });
            assertThat(catchThrowable(() -> calculator.sqrt(d("-1"))))
                    .isInstanceOfSatisfying(
                            CalculationException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.DOMAIN));
            assertThat(catchThrowable(() -> calculator.power(d("9"), d("387420489"))))
                    .isInstanceOfSatisfying(
                            CalculationException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
        }

        @Test
        void operandsOutsideTheLimitsAreRefusedBeforeAnyArithmetic() {
            // Adding 1 to this exactly would build a number of two billion digits.
            assertThat(catchThrowable(() -> calculator.add(d("1e-2147483647"), d("1"))))
                    .isInstanceOfSatisfying(
                            CalculationException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
            assertThat(calculator.add(d("0e-2147483647"), d("1"))).hasToString("1");
        }

        @Test
        void nullOperandsAreProgrammingErrors() {
            assertThatNullPointerException().isThrownBy(() -> calculator.add(null, BigDecimal.ONE));
        }
    }

    @Nested
    class Limits {

        @Test
        void customLimitsReplaceTheDefaults() {
            Calculator strict = new Calculator(new CalculatorLimits(10, 2, 34, 10, 3, BigDecimal.ONE, 34));

            assertThat(strict.evaluate("((1))")).isEqualByComparingTo("1");
            assertThat(catchThrowable(() -> strict.evaluate("(((1)))")))
                    .isInstanceOfSatisfying(
                            CalculationException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.TOO_DEEP));
            assertThat(catchThrowable(() -> strict.evaluate("1+2+3+4+5+6")))
                    .isInstanceOfSatisfying(
                            CalculationException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LONG));
            assertThat(catchThrowable(() -> strict.evaluate("2^4")))
                    .isInstanceOfSatisfying(
                            CalculationException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
            assertThat(catchThrowable(() -> strict.evaluate("sin(2)")))
                    .isInstanceOfSatisfying(
                            CalculationException.class,
                            e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
        }

        @Test
        void resultsLongerThanTheDigitLimitAreRounded() {
            Calculator short34 =
                    new Calculator(new CalculatorLimits(1_000, 64, 34, 10_000, 10_000, BigDecimal.TEN, 100_000));

            assertThat(short34.evaluate("2^200")).isEqualByComparingTo(BigDecimal.TWO.pow(200, MathContext.DECIMAL128));
        }

        @Test
        void boundsOutsideTheirCeilingsAreRejected() {
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .isThrownBy(() -> new CalculatorLimits(1_000, 501, 1_000, 10_000, 10_000, BigDecimal.ONE, 100_000))
                    .withMessage("maxDepth must be between 1 and 500 but was 501");
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .isThrownBy(() -> new CalculatorLimits(1_000, 64, 33, 10_000, 10_000, BigDecimal.ONE, 100_000));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .isThrownBy(() -> new CalculatorLimits(1_000, 64, 1_000, 10_000, 10_000, BigDecimal.ZERO, 100_000));
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .isThrownBy(() -> new CalculatorLimits(1_000, 64, 1_000, 10_000, 10_000, BigDecimal.ONE, 999))
                    .withMessage("maxWorkDigits must be between 1000 and 1000000 but was 999");
        }
    }

    /** What an expression may cost: operations on far-apart exponents stay cheap, and the total is budgeted. */
    @Nested
    class Work {

        /** 10^20000 mod 7 = 2, since 10 ≡ 3 and 3^6 ≡ 1 (mod 7) and 20000 ≡ 2 (mod 6). */
        private static final String REMAINDER = "1e10000%7e-10000";

        private static final String POWER = "1e10000^-1";

        @Test
        void sixtySixRemaindersAndPowersOnOperandsOf10ToThePlusMinus10000AreComputedWithinTheWorkLimit() {
            List<String> terms = new ArrayList<>();
            for (int i = 0; i < 33; i++) {
                terms.add(REMAINDER);
                terms.add(POWER);
            }
            String expression = String.join("+", terms);
            assertThat(expression.length())
                    .isLessThanOrEqualTo(calculator.limits().maxLength());

            BigDecimal remainder = new BigDecimal(
                            BigInteger.TEN.modPow(BigInteger.valueOf(20_000), BigInteger.valueOf(7)))
                    .scaleByPowerOfTen(-10_000);
            BigDecimal expected = remainder.add(new BigDecimal("1e-10000")).multiply(BigDecimal.valueOf(33));
            assertThat(remainder).isEqualByComparingTo("2e-10000");
            assertThat(calculator.evaluate(expression))
                    .isEqualByComparingTo(expected)
                    .isEqualByComparingTo("9.9e-9999");
        }

        @Test
        void aRemainderOfAHugeByATinyManyDigitNumberIsExact() {
            // 7^400 has 339 digits; the quotient of the two operands would have about 20,000.
            BigDecimal divisor = new BigDecimal(BigInteger.valueOf(7).pow(400), 10_337);
            BigDecimal dividend = new BigDecimal("-9.87654321e10000");
            BigInteger unscaled = BigInteger.valueOf(987654321).multiply(BigInteger.TEN.pow(9_992 + 10_337));

            assertThat(calculator.evaluate("-9.87654321e10000 % (7^400 * 1e-9999 * 1e-338)"))
                    .isEqualByComparingTo(
                            new BigDecimal(unscaled.mod(divisor.unscaledValue()).negate(), 10_337))
                    .isEqualByComparingTo(dividend.remainder(divisor));
            assertThat(calculator.modulo(dividend, divisor)).isEqualByComparingTo(dividend.remainder(divisor));
        }

        @Test
        void operationsOnExponentsAMillionApartGiveExactAnswersWithoutBuildingAMillionDigits() {
            // The ceiling configuration; done the obvious way, each of these builds a number of a million digits or
            // more.
            Calculator wide = new Calculator(
                    new CalculatorLimits(1_000, 64, 1_000, 1_000_000, 10_000, new BigDecimal("1e9"), 100_000));

            assertThat(wide.evaluate("9e1000000 % 7e-1000000"))
                    .isEqualByComparingTo(new BigDecimal(
                            BigInteger.TEN
                                    .modPow(BigInteger.valueOf(2_000_000), BigInteger.valueOf(7))
                                    .multiply(BigInteger.valueOf(9))
                                    .mod(BigInteger.valueOf(7)),
                            1_000_000));
            assertThat(wide.evaluate("1e1000000 + 1e-1000000")).isEqualByComparingTo("1e1000000");
            // 9.99…9 (two million nines) rounds to 34 digits as 1e1000000.
            assertThat(wide.evaluate("1e1000000 - 1e-1000000")).isEqualByComparingTo("1e1000000");
            assertThat(wide.evaluate("1e1000000 - 1e-1000000 - 1e1000000")).isEqualByComparingTo("0");
            assertThat(wide.evaluate("floor(1.5e-1000000)")).isEqualByComparingTo("0");
            assertThat(wide.evaluate("floor(-1.5e-1000000)")).isEqualByComparingTo("-1");
            assertThat(wide.evaluate("ceil(1.5e-1000000)")).isEqualByComparingTo("1");
            assertThat(wide.evaluate("ceil(-1.5e-1000000)")).isEqualByComparingTo("0");
            assertThat(wide.evaluate("round(1.5e-1000000, 999999)")).isEqualByComparingTo("0");
            assertThat(wide.evaluate("round(-5e-1000000, 999999)")).isEqualByComparingTo("-1e-999999");
            assertThat(wide.evaluate("round(7.5e-999999, -1000000)")).isEqualByComparingTo("0");
            assertThat(wide.evaluate("sin(1.5e-1000000)")).isEqualByComparingTo("0");
            assertThat(wide.evaluate("sin(1.5e-30)")).isEqualByComparingTo("1.5e-30");
            assertThat(wide.evaluate("cos(1.5e-1000000)")).isEqualByComparingTo("1");
            assertThat(wide.evaluate("tan(-1.5e-300)")).isEqualByComparingTo("-1.5e-300");
            assertThat(wide.evaluate("sqrt(2.5e-999999)")).isEqualByComparingTo("5e-500000");
            assertThat(wide.evaluate("1e499999 / 4e-499999")).isEqualByComparingTo("2.5e999997");
            assertThat(wide.evaluate("(7e-1000000)^-1"))
                    .isEqualByComparingTo(BigDecimal.ONE.divide(new BigDecimal("7e-1000000"), MathContext.DECIMAL128));
        }

        @Test
        void anExpressionWhoseValuesCarryMoreDigitsThanTheWorkLimitIsRefused() {
            // Each 7^999 is exact, 845 digits; the sums keep about as many.
            String expression = String.join("+", Collections.nCopies(100, "7^999"));
            assertThat(expression.length())
                    .isLessThanOrEqualTo(calculator.limits().maxLength());

            assertThat(catchThrowable(() -> calculator.evaluate(expression)))
                    .isInstanceOfSatisfying(CalculationException.class, e -> {
                        assertThat(e.kind()).isEqualTo(Kind.TOO_COMPLEX);
                        assertThat(e.getMessage())
                                .startsWith("Expression needs more than 100000 digits of"
                                        + " intermediate values at position ");
                        assertThat(e.position()).isPresent();
                    });
            assertThat(calculator.evaluate(String.join("+", Collections.nCopies(50, "7^999"))))
                    .isEqualByComparingTo(BigDecimal.valueOf(7).pow(999).multiply(BigDecimal.valueOf(50)));
        }
    }
}
