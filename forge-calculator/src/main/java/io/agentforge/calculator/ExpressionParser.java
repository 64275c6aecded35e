package io.agentforge.calculator;

import io.agentforge.calculator.CalculationException.Kind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Pratt parser that compiles an expression to a postfix program. Compiling first means a syntax error anywhere wins
 * over an arithmetic error, and evaluating the program needs no recursion however long the expression is; the parse
 * itself recurses only as deep as the expression nests, which {@code maxDepth} bounds.
 *
 * <p>Binding, loosest first: {@code + -}, then {@code * / %}, then unary {@code + -}, then right-associative
 * {@code ^}, so {@code -2^2 = -4} and {@code 2^3^2 = 2^9}.
 */
final class ExpressionParser {

    /** One step of the postfix program; positions are where the step's errors are reported. */
    sealed interface Instruction {

        record Push(BigDecimal value, int position) implements Instruction {}

        record Negate(int position) implements Instruction {}

        record Operate(Operator operator, int position) implements Instruction {}

        record Call(MathFunction function, int arity, int position) implements Instruction {}
    }

    enum Operator {
        ADD('+', 10),
        SUBTRACT('-', 10),
        MULTIPLY('*', 20),
        DIVIDE('/', 20),
        MODULO('%', 20),
        POWER('^', 40);

        private final char symbol;
        private final int binding;

        Operator(char symbol, int binding) {
            this.symbol = symbol;
            this.binding = binding;
        }

        static Operator of(char symbol) {
            for (Operator operator : values()) {
                if (operator.symbol == symbol) {
                    return operator;
                }
            }
            return null;
        }
    }

    private static final int UNARY_BINDING = 30;

    private static final Map<String, BigDecimal> CONSTANTS = Map.of("pi", Calculator.PI, "e", Calculator.E);

    private enum Type {
        NUMBER,
        NAME,
        SYMBOL,
        END
    }

    private record Token(Type type, String text, int position) {

        boolean is(char symbol) {
            return type == Type.SYMBOL && text.charAt(0) == symbol;
        }
    }

    private final String input;
    private final int maxDepth;
    private final List<Instruction> program = new ArrayList<>();
    private int next;
    private Token token;
    private int depth;

    private ExpressionParser(String input, int maxDepth) {
        this.input = input;
        this.maxDepth = maxDepth;
    }

    static List<Instruction> parse(String input, int maxDepth) {
        ExpressionParser parser = new ExpressionParser(input, maxDepth);
        parser.advance();
        if (parser.token.type() == Type.END) {
            throw new CalculationException(Kind.SYNTAX, "Expression is empty");
        }
        parser.expression(0);
        if (parser.token.type() != Type.END) {
            throw parser.unexpected();
        }
        return parser.program;
    }

    private void expression(int minBinding) {
        prefix();
        while (token.type() == Type.SYMBOL) {
            Operator operator = Operator.of(token.text().charAt(0));
            if (operator == null || operator.binding < minBinding) {
                return;
            }
            int position = token.position();
            advance();
            if (operator == Operator.POWER) {
                // Same binding on the right makes ^ right-associative; each link of a chain is a nesting level.
                descend(position);
                expression(operator.binding);
                depth--;
            } else {
                expression(operator.binding + 1);
            }
            program.add(new Instruction.Operate(operator, position));
        }
    }

    private void prefix() {
        Token current = token;
        switch (current.type()) {
            case NUMBER -> {
                program.add(new Instruction.Push(number(current), current.position()));
                advance();
            }
            case NAME -> name(current);
            case SYMBOL -> {
                if (current.is('(')) {
                    descend(current.position());
                    advance();
                    expression(0);
                    expect(')');
                    depth--;
                } else if (current.is('-') || current.is('+')) {
                    descend(current.position());
                    advance();
                    expression(UNARY_BINDING);
                    depth--;
                    if (current.is('-')) {
                        program.add(new Instruction.Negate(current.position()));
                    }
                } else {
                    throw unexpected();
                }
            }
            case END -> throw unexpected();
        }
    }

    private void name(Token name) {
        advance();
        BigDecimal constant = CONSTANTS.get(name.text());
        if (constant != null) {
            program.add(new Instruction.Push(constant, name.position()));
            return;
        }
        MathFunction function = MathFunction.named(name.text())
                .orElseThrow(() -> new CalculationException(
                        Kind.UNKNOWN_NAME,
                        token.is('(')
                                ? "Unknown function %s (known: %s)".formatted(quote(name.text()), MathFunction.NAMES)
                                : "Unknown constant %s (known: e, pi)".formatted(quote(name.text())),
                        name.position()));
        if (!token.is('(')) {
            throw new CalculationException(
                    Kind.SYNTAX,
                    "Expected '(' after %s but found %s".formatted(function.functionName(), describe(token)),
                    token.position());
        }
        descend(token.position());
        advance();
        int arity = 0;
        if (!token.is(')')) {
            expression(0);
            arity++;
            while (token.is(',')) {
                advance();
                expression(0);
                arity++;
            }
        }
        expect(')');
        depth--;
        if (!function.accepts(arity)) {
            throw new CalculationException(
                    Kind.SYNTAX,
                    "%s takes %s but got %d".formatted(function.functionName(), function.arityDescription(), arity),
                    name.position());
        }
        program.add(new Instruction.Call(function, arity, name.position()));
    }

    private BigDecimal number(Token literal) {
        try {
            return new BigDecimal(literal.text());
        } catch (NumberFormatException e) {
            // The lexer only lets well-formed numbers through, so the exponent must be beyond int range.
            throw new CalculationException(
                    Kind.TOO_LARGE, "Number %s is out of range".formatted(quote(literal.text())), literal.position());
        }
    }

    private void descend(int position) {
        if (++depth > maxDepth) {
            throw new CalculationException(
                    Kind.TOO_DEEP, "Expression nests deeper than %d levels".formatted(maxDepth), position);
        }
    }

    private void expect(char symbol) {
        if (!token.is(symbol)) {
            throw new CalculationException(
                    Kind.SYNTAX, "Expected '%c' but found %s".formatted(symbol, describe(token)), token.position());
        }
        advance();
    }

    private CalculationException unexpected() {
        return new CalculationException(Kind.SYNTAX, "Unexpected " + describe(token), token.position());
    }

    private void advance() {
        int length = input.length();
        while (next < length && Character.isWhitespace(input.charAt(next))) {
            next++;
        }
        int start = next;
        if (start == length) {
            token = new Token(Type.END, "", start);
            return;
        }
        char c = input.charAt(start);
        if (isDigit(c) || (c == '.' && start + 1 < length && isDigit(input.charAt(start + 1)))) {
            scanNumber();
            token = new Token(Type.NUMBER, input.substring(start, next), start);
        } else if (isNameStart(c)) {
            while (next < length && (isNameStart(input.charAt(next)) || isDigit(input.charAt(next)))) {
                next++;
            }
            token = new Token(Type.NAME, input.substring(start, next), start);
        } else if ("+-*/%^(),".indexOf(c) >= 0) {
            next++;
            token = new Token(Type.SYMBOL, String.valueOf(c), start);
        } else {
            throw new CalculationException(
                    Kind.SYNTAX, "Unexpected character " + describe(input.codePointAt(start)), start);
        }
    }

    /** Digits, an optional fraction, and an exponent only when digits follow it, so {@code 2e} stays {@code 2} {@code e}. */
    private void scanNumber() {
        int length = input.length();
        skipDigits();
        if (next < length && input.charAt(next) == '.') {
            next++;
            skipDigits();
        }
        if (next < length && (input.charAt(next) == 'e' || input.charAt(next) == 'E')) {
            int exponent = next + 1;
            if (exponent < length && (input.charAt(exponent) == '+' || input.charAt(exponent) == '-')) {
                exponent++;
            }
            if (exponent < length && isDigit(input.charAt(exponent))) {
                next = exponent;
                skipDigits();
            }
        }
    }

    private void skipDigits() {
        while (next < input.length() && isDigit(input.charAt(next))) {
            next++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isNameStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static String describe(Token token) {
        return token.type() == Type.END ? "end of expression" : quote(token.text());
    }

    private static String describe(int codePoint) {
        boolean printable = Character.isDefined(codePoint)
                && !Character.isISOControl(codePoint)
                && Character.getType(codePoint) != Character.SURROGATE;
        return printable ? "'" + Character.toString(codePoint) + "'" : "U+%04X".formatted(codePoint);
    }

    /** Quotes input text, shortened because a token can be as long as the whole expression. */
    private static String quote(String text) {
        return "'" + (text.length() > 24 ? text.substring(0, 21) + "..." : text) + "'";
    }
}
