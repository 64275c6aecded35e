package io.agentforge.calculator;

import java.math.BigDecimal;

/**
 * What every calculator function answers.
 *
 * @param result     the value as a decimal string, so no digit is lost to a JSON double; very large or small values
 *                   use an exponent, e.g. {@code 1E-7}
 * @param expression the calculation that was done, e.g. {@code 0.1 + 0.2}
 */
record CalculationResult(String result, String expression) {

    static CalculationResult of(BigDecimal value, String expression) {
        return new CalculationResult(value.toString(), expression);
    }
}
