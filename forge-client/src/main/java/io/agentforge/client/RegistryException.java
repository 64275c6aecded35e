package io.agentforge.client;

import org.jspecify.annotations.Nullable;

/** The registry refused a request or gave no usable answer; {@link #problem()} says why. */
public class RegistryException extends RuntimeException {

    private final transient Problem problem;

    public RegistryException(Problem problem) {
        this(problem, null);
    }

    public RegistryException(Problem problem, @Nullable Throwable cause) {
        super(problem.toString(), cause);
        this.problem = problem;
    }

    /** The problem detail of the answer (made up by the client when no answer came); never null. */
    public Problem problem() {
        return problem;
    }

    /** HTTP status of the answer, 0 when none was received. */
    public int status() {
        return problem.status();
    }

    /** Whether the same request may succeed later: no answer, 408, 429 or a 5xx. */
    public boolean isTransient() {
        int status = problem.status();
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
