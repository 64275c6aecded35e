package io.agentforge.client;

/** No answer came from the registry: connection refused, timed out or broken. */
public final class RegistryUnreachableException extends RegistryException {

    public RegistryUnreachableException(String detail, Throwable cause) {
        super(new Problem(0, Problem.UNREACHABLE, "Registry unreachable", detail), cause);
    }
}
