package io.agentforge.registry.instance;

/** A registration declared a function name that another service already offers. */
public class FunctionConflictException extends RuntimeException {

    private final String function;
    private final String owner;

    public FunctionConflictException(String function, String owner) {
        super("Function '" + function + "' is already offered by service '" + owner + "'");
        this.function = function;
        this.owner = owner;
    }

    public String function() {
        return function;
    }

    public String owner() {
        return owner;
    }
}
