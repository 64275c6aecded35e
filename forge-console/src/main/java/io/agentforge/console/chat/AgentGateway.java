package io.agentforge.console.chat;

import java.io.Closeable;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The agents' chat API. Every method throws {@link AgentException} when the agent refuses, fails or can't be
 * reached.
 */
public interface AgentGateway {

    /**
     * Asks the question and hands each event of the agent's stream ({@code step}, {@code delta}, {@code done},
     * {@code error}) to {@code events} as it arrives; returns when the stream ends. An exception thrown by
     * {@code events} stops reading and propagates.
     *
     * @param credential the caller's key or token for {@code Authorization: Bearer}; null sends none
     */
    void stream(AgentTarget agent, ChatCommand command, String credential, Events events);

    /** The caller's conversations with this agent, most recent first. */
    List<Conversations.Summary> conversations(AgentTarget agent, String credential);

    /** One of the caller's conversations; empty when the agent does not know it (or it is someone else's). */
    Optional<Conversations.Conversation> conversation(AgentTarget agent, String id, String credential);

    /** Receives the events of a chat stream. */
    @FunctionalInterface
    interface Events {
        void on(String event, JsonNode data);

        /** The agent's stream is open; closing {@code stream} ends the relay (e.g. when the browser left). */
        default void opened(Closeable stream) {}
    }
}
