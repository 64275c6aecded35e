package io.agentforge.agent.chat;

import io.agentforge.agent.conversation.ToolStep;
import io.agentforge.agent.tooling.ToolsOffered;

/** Receives the progress of one question as it happens; the streaming endpoint turns it into SSE events. */
public interface ChatListener {

    ChatListener NONE = new ChatListener() {};

    /**
     * What the model is offered from the next turn on, when not simply every function: before the first turn, and
     * whenever {@code search_tools} made the offer grow.
     */
    default void toolsOffered(ToolsOffered offered) {}

    /** A tool call starts; {@code step} has no result yet. */
    default void stepStarted(String callId, ToolStep step) {}

    default void stepFinished(String callId, ToolStep step) {}

    /** A piece of the answer text. */
    default void delta(String text) {}

    /** Whether whoever asked has gone; the loop then stops before its next model turn. */
    default boolean cancelled() {
        return false;
    }
}
