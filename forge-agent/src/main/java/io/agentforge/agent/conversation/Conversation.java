package io.agentforge.agent.conversation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.UserMessage;

/** One caller's conversation with the agent: its questions, answers and the tool calls behind them. */
public record Conversation(
        String id, String owner, String title, Instant createdAt, Instant updatedAt, List<Turn> turns) {

    public Conversation {
        turns = List.copyOf(turns);
    }

    public static Conversation start(String id, String owner, Instant now) {
        return new Conversation(id, owner, null, now, now, List.of());
    }

    /** The last {@code maxMessages} questions and answers, oldest first, as the model should see them. */
    public List<Message> history(int maxMessages) {
        List<Message> messages = new ArrayList<>();
        for (Turn turn : turns) {
            messages.add(new UserMessage(turn.question()));
            messages.add(new AssistantMessage(turn.answer()));
        }
        return messages.size() <= maxMessages
                ? messages
                : messages.subList(messages.size() - maxMessages, messages.size());
    }

    /** A listing entry without the turns. */
    public Summary summary() {
        return new Summary(id, title, createdAt, updatedAt, turns.size());
    }

    /** One question and its answer. */
    public record Turn(String question, String answer, List<ToolStep> steps, Instant at) {

        public Turn {
            steps = List.copyOf(steps);
        }
    }

    /** A conversation in a listing. */
    public record Summary(String id, String title, Instant createdAt, Instant updatedAt, int turns) {}
}
