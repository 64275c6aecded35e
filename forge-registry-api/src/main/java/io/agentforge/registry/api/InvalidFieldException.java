package io.agentforge.registry.api;

/** A wire value broke the contract; {@link #field()} names where, the message says what. */
public final class InvalidFieldException extends IllegalArgumentException {

    private final String field;

    public InvalidFieldException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    /** The JSON path of the offending value, e.g. {@code functions[2].name}. */
    public String field() {
        return field;
    }
}
