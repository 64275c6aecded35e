package io.agentforge.agent.chat;

import io.agentforge.agent.conversation.ToolStep;

/** Receives the progress of one question as it happens; the streaming endpoint turns it into SSE events. */
public interface ChatListener {

    ChatListener NONE = new ChatListener() {};

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
