package io.agentforge.console.chat;

import io.agentforge.client.Problem;
import io.agentforge.registry.api.ProblemTypes;
import java.net.URI;
import java.time.Duration;

/** The agent refused, failed or could not be reached; {@link #problem()} says why. */
public final class AgentException extends RuntimeException {

    public static final URI UNREACHABLE = ProblemTypes.of("agent-unreachable");
    public static final URI NO_AGENT = ProblemTypes.of("no-agent");
    public static final URI BROKEN_STREAM = ProblemTypes.of("agent-stream-broken");

    private final transient Problem problem;
    private final Duration retryAfter;

    public AgentException(Problem problem, Duration retryAfter, Throwable cause) {
        super(problem.toString(), cause);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public AgentException(Problem problem) {
        this(problem, null, null);
    }

    public Problem problem() {
        return problem;
    }

    /** How long the agent asked to wait (429 {@code Retry-After}), null when it did not say. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
