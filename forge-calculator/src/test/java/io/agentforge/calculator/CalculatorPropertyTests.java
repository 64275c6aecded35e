package io.agentforge.calculator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.agentforge.calculator.CalculationException.Kind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Random inputs; each run draws a fresh seed and names it in any failure so the run can be replayed. */
class CalculatorPropertyTests {

    private final Calculator calculator = new Calculator();

    @Nested
    class Fuzzing {

        // Pieces of the grammar, pieces that almost fit it, and values at the edges of the limits.
        private static final String[] PIECES = {
            "0",
            "1",
            "2",
            "7",
            "9",
            "42",
            ".",
            "5.",
            ".5",
            "e",
            "E",
            "1e3",
            "2.5E-4",
            "1e9999",
            "1e-9999",
            "1e10001",
            "9e99999999999",
            "0e-2147483647",
            "+",
            "-",
            "*",
            "/",
            "%",
            "^",
            "^",
            "(",
            "(",
            ")",
            ")",
            ",",
            " ",
            " ",
            "\t",
            "pi",
            "e",
            "sqrt(",
            "abs(",
            "round(",
            "floor(",
            "ceil(",
            "ln(",
            "log10(",
            "sin(",
            "cos(",
            "tan(",
            "min(",
            "max(",
            "9^9^9",
            "10^",
            "0.1",
            "-1",
            "x",
            "Pi",
            "$",
            "\u0000",
            "\uD83D",
            "é",
            "1/3",
            "_"
        };
        private static final String ALPHABET = "0123456789.eE+-*/%^(), pisqrtabsminaxlogcfu_\u0000";

        @Test
        void randomInputEitherEvaluatesOrIsRefusedWithCalculationException() {
            long seed = ThreadLocalRandom.current().nextLong();
            Random random = new Random(seed);
            List<String> escapes = new ArrayList<>();
            int evaluated = 0;

            for (int i = 0; i < 20_000; i++) {
                String input = random.nextInt(4) == 0 ? randomCharacters(random) : randomPieces(random);
                Throwable thrown = catchThrowable(() -> calculator.evaluate(input));
                if (thrown == null) {
                    evaluated++;
                } else if (!(thrown instanceof CalculationException)) {
                    escapes.add(thrown + " for " + input);
                }
            }

            assertThat(escapes).as("seed %d", seed).isEmpty();
            assertThat(evaluated)
                    .as("seed %d: the generator should also produce valid expressions", seed)
                    .isPositive();
        }

        private static String randomPieces(Random random) {
            // Mostly short, sometimes long enough to nest deeply or to pass the length limit.
            int count = random.nextInt(10) == 0 ? random.nextInt(100, 700) : random.nextInt(1, 25);
            StringBuilder input = new StringBuilder();
            for (int i = 0; i < count; i++) {
                input.append(PIECES[random.nextInt(PIECES.length)]);
            }
            return input.toString();
        }

        private static String randomCharacters(Random random) {
            StringBuilder input = new StringBuilder();
            for (int i = random.nextInt(1, 40); i > 0; i--) {
                input.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            return input.toString();
        }
    }

    @Nested
    class Arithmetic {

        @Test
        void binaryOperationsMatchBigDecimalComputedDirectly() {
            long seed = ThreadLocalRandom.current().nextLong();
            Random random = new Random(seed);

            for (int i = 0; i < 5_000; i++) {
                BigDecimal a = randomDecimal(random);
                BigDecimal b = randomDecimal(random);
                char operator = "+-*/%^".charAt(random.nextInt(6));
                if (operator == '^') {
                    b = BigDecimal.valueOf(random.nextInt(-6, 7));
                }
                String expression = "(%s) %c (%s)".formatted(a.toPlainString(), operator, b.toPlainString());

                Throwable thrown = catchThrowable(() -> calculator.evaluate(expression));
                BigDecimal expected = reference(a, operator, b);
                if (expected == null) {
                    assertThat(thrown)
                            .as("seed %d: %s", seed, expression)
                            .isInstanceOfSatisfying(
                                    CalculationException.class,
                                    e -> assertThat(e.kind()).isEqualTo(Kind.DIVISION_BY_ZERO));
                } else {
                    assertThat(thrown).as("seed %d: %s", seed, expression).isNull();
                    assertThat(calculator.evaluate(expression))
                            .as("seed %d: %s", seed, expression)
                            .isEqualByComparingTo(expected);
                }
            }
        }

        @Test
        void sumsAndRemaindersOfFarApartMagnitudesMatchBigDecimalComputedExactlyThenRounded() {
            long seed = ThreadLocalRandom.current().nextLong();
            Random random = new Random(seed);

            for (int i = 0; i < 300; i++) {
                BigDecimal a = spreadDecimal(random);
                BigDecimal b = spreadDecimal(random);
                char operator = "+-%".charAt(random.nextInt(3));
                BigDecimal exact = switch (operator) {
                    case '+' -> a.add(b);
                    case '-' -> a.subtract(b);
                    default -> a.remainder(b);
                };
                // What the calculator promises: exact up to maxDigits digits, else rounded to 34.
                BigDecimal expected = exact.precision() > calculator.limits().maxDigits()
                        ? exact.round(MathContext.DECIMAL128)
                        : exact;
                String expression = "(%s) %c (%s)".formatted(a, operator, b);

                Throwable thrown = catchThrowable(() -> calculator.evaluate(expression));
                if (thrown != null) {
                    // Only a result beyond the magnitude limits may be refused.
                    assertThat(thrown)
                            .as("seed %d: %s", seed, expression)
                            .isInstanceOfSatisfying(
                                    CalculationException.class,
                                    e -> assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE));
                    assertThat(expected.signum() != 0 && Math.abs(expected.precision() - expected.scale() - 1) > 10_000)
                            .as("seed %d: %s", seed, expression)
                            .isTrue();
                } else {
                    assertThat(calculator.evaluate(expression))
                            .as("seed %d: %s", seed, expression)
                            .isEqualByComparingTo(expected);
                }
            }
        }

        /** Up to 40 digits, any sign, exponents anywhere from 10^-9000 to 10^9000 (often close together). */
        private static BigDecimal spreadDecimal(Random random) {
            BigInteger unscaled = new BigInteger(random.nextInt(1, 133), random).add(BigInteger.ONE);
            int exponent = random.nextBoolean() ? random.nextInt(-9_000, 9_001) : random.nextInt(-50, 51);
            BigDecimal value =
                    new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate()).scaleByPowerOfTen(exponent);
            return value.stripTrailingZeros();
        }

        /** Small integers most of the time, since those are what people type, and decimals up to 3 places. */
        private static BigDecimal randomDecimal(Random random) {
            return random.nextBoolean()
                    ? BigDecimal.valueOf(random.nextInt(-1_000, 1_001))
                    : BigDecimal.valueOf(random.nextInt(-100_000, 100_001), random.nextInt(0, 4));
        }

        /** The expected value, or {@code null} where the operation is a division by zero. */
        private static BigDecimal reference(BigDecimal a, char operator, BigDecimal b) {
            boolean byZero = b.signum() == 0 && (operator == '/' || operator == '%')
                    || a.signum() == 0 && operator == '^' && b.signum() < 0;
            if (byZero) {
                return null;
            }
            return switch (operator) {
                case '+' -> a.add(b);
                case '-' -> a.subtract(b);
                case '*' -> a.multiply(b);
                case '/' -> a.divide(b, MathContext.DECIMAL128);
                case '%' -> a.remainder(b);
                // Non-negative powers of these small operands fit the digit limit, so they are exact.
                default ->
                    b.signum() >= 0 ? a.pow(b.intValueExact()) : a.pow(b.intValueExact(), MathContext.DECIMAL128);
            };
        }
    }
}
