package io.agentforge.console.support;

import io.agentforge.console.chat.AgentException;
import io.agentforge.console.chat.AgentGateway;
import io.agentforge.console.chat.AgentTarget;
import io.agentforge.console.chat.ChatCommand;
import io.agentforge.console.chat.Conversations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** An agent that replays scripted events and remembers who asked what, with which credential. */
public final class FakeAgentGateway implements AgentGateway {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /** One call the console made. */
    public record Call(AgentTarget agent, ChatCommand command, String credential) {}

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<String> credentials = new CopyOnWriteArrayList<>();
    private final Map<String, Conversations.Conversation> conversations = new ConcurrentHashMap<>();
    private volatile List<Map.Entry<String, String>> script = List.of();
    private volatile AgentException failure;

    public void clear() {
        calls.clear();
        credentials.clear();
        conversations.clear();
        script = List.of();
        failure = null;
    }

    /** The events the next streams send, as (name, JSON) pairs. */
    public void answerWith(List<Map.Entry<String, String>> events) {
        script = List.copyOf(events);
    }

    public void failWith(AgentException exception) {
        failure = exception;
    }

    public void addConversation(Conversations.Conversation conversation) {
        conversations.put(conversation.id(), conversation);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every credential the console presented, for any call. */
    public List<String> credentials() {
        return List.copyOf(credentials);
    }

    @Override
    public void stream(AgentTarget agent, ChatCommand command, String credential, Events events) {
        calls.add(new Call(agent, command, credential));
        credentials.add(String.valueOf(credential));
        if (failure != null) {
            throw failure;
        }
        for (Map.Entry<String, String> event : script) {
            JsonNode data = MAPPER.readTree(event.getValue());
            events.on(event.getKey(), data);
        }
    }

    @Override
    public List<Conversations.Summary> conversations(AgentTarget agent, String credential) {
        credentials.add(String.valueOf(credential));
        if (failure != null) {
            throw failure;
        }
        List<Conversations.Summary> summaries = new ArrayList<>();
        conversations
                .values()
                .forEach(c -> summaries.add(new Conversations.Summary(
                        c.id(),
                        c.title(),
                        c.createdAt(),
                        c.updatedAt(),
                        c.turns().size())));
        return summaries;
    }

    @Override
    public Optional<Conversations.Conversation> conversation(AgentTarget agent, String id, String credential) {
        credentials.add(String.valueOf(credential));
        if (failure != null) {
            throw failure;
        }
        return Optional.ofNullable(conversations.get(id));
    }
}
