package io.agentforge.starter;

import java.io.Serial;

/** Carries what a tool method threw, so it is told apart from failures of the starter itself. */
final class ToolFailedException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    ToolFailedException(Throwable cause) {
        super(cause.toString(), cause, false, false);
    }
}
