package io.agentforge.agent.chat;

import io.agentforge.client.RegistryException;
import io.agentforge.client.ToolInvocationException;
import io.agentforge.registry.api.Texts;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what went wrong into text the model reads as a tool result, so a failing tool never fails the question
 * (the role Spring AI gives its tool-execution exception processor).
 */
final class ToolFailures {

    private static final Logger log = LoggerFactory.getLogger(ToolFailures.class);

    private ToolFailures() {}

    /** The message of a tool call that threw: expected failures plainly, anything else logged as a likely bug. */
    static String of(String tool, RuntimeException e) {
        if (e instanceof ToolInvocationException) {
            return e.getMessage();
        }
        if (!(e instanceof RegistryException
                || e instanceof IllegalStateException
                || e instanceof IllegalArgumentException)) {
            log.warn("Tool {} failed", tool, e);
        }
        return rootMessage(e);
    }

    static String timedOut(long allowanceMillis) {
        return "The tool did not answer within " + allowanceMillis + " ms";
    }

    /** The innermost message (a tool invocation's own message stops the search), at most 500 characters. */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof ToolInvocationException) {
                break;
            }
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : abbreviate(root.getMessage(), 500);
    }

    /** Like {@link Texts#abbreviate}, but nothing reads as empty text rather than null. */
    static String abbreviate(String text, int max) {
        return Objects.requireNonNullElse(Texts.abbreviate(text, max), "");
    }
}
