package io.agentforge.registry.instance;

/** The registering key already holds as many instances as it may. */
public class InstanceLimitException extends RuntimeException {

    private final int limit;

    public InstanceLimitException(int limit) {
        super("This API key already holds " + limit + " instances, the most it may hold at once");
        this.limit = limit;
    }

    public int limit() {
        return limit;
    }
}
