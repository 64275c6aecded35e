package io.agentforge.starter;

import java.io.Serial;

/** An argument fits the input schema but not the Java type of its parameter. */
final class ArgumentConversionException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String field;

    ArgumentConversionException(String field, String reason) {
        super(reason, null, false, false);
        this.field = field;
    }

    String field() {
        return field;
    }
}
