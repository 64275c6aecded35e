package io.agentforge.client;

/** The tool refused the call (a 4xx answer): the arguments or the caller are at fault, so it was not retried. */
public final class ToolInvocationException extends RuntimeException {

    private final String function;
    private final String instanceId;
    private final transient Problem problem;

    public ToolInvocationException(String function, String instanceId, Problem problem) {
        super("Function " + function + " on " + instanceId + " failed: " + problem);
        this.function = function;
        this.instanceId = instanceId;
        this.problem = problem;
    }

    public String function() {
        return function;
    }

    /** The instance that answered. */
    public String instanceId() {
        return instanceId;
    }

    /** The tool's problem detail; never null. */
    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }
}
