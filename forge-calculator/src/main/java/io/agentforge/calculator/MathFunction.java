package io.agentforge.calculator;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Functions an expression may call, by their lower-case name. */
enum MathFunction {
    SQRT(1, 1),
    ABS(1, 1),
    ROUND(1, 2),
    FLOOR(1, 1),
    CEIL(1, 1),
    LN(1, 1),
    LOG10(1, 1),
    SIN(1, 1),
    COS(1, 1),
    TAN(1, 1),
    MIN(1, Integer.MAX_VALUE),
    MAX(1, Integer.MAX_VALUE);

    private static final Map<String, MathFunction> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(MathFunction::functionName, Function.identity()));

    static final String NAMES =
            Arrays.stream(values()).map(MathFunction::functionName).sorted().collect(Collectors.joining(", "));

    private final int minArity;
    private final int maxArity;

    MathFunction(int minArity, int maxArity) {
        this.minArity = minArity;
        this.maxArity = maxArity;
    }

    static Optional<MathFunction> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    String functionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean accepts(int arity) {
        return arity >= minArity && arity <= maxArity;
    }

    String arityDescription() {
        if (minArity == maxArity) {
            return minArity == 1 ? "1 argument" : minArity + " arguments";
        }
        return maxArity == Integer.MAX_VALUE
                ? "at least " + minArity + " argument" + (minArity == 1 ? "" : "s")
                : minArity + " to " + maxArity + " arguments";
    }
}
