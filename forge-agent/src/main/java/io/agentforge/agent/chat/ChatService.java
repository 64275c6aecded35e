package io.agentforge.agent.chat;

import io.agentforge.agent.config.AgentProperties;
import io.agentforge.agent.conversation.Conversation;
import io.agentforge.agent.conversation.ConversationStore;
import io.agentforge.agent.conversation.ToolStep;
import io.agentforge.agent.tooling.OnBehalfOf;
import io.agentforge.agent.tooling.RemoteToolCallback;
import io.agentforge.agent.tooling.ToolExposure;
import io.agentforge.agent.tooling.ToolOffer;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent loop: offer the registry's functions to the model, run the tool calls it asks for (in parallel when
 * several come in one turn) and feed the results back, until it answers or a limit is hit. The loop runs here rather
 * than in Spring AI so every step can be recorded, limited and streamed. A failing tool never fails the question:
 * the model is told what went wrong, as a tool result.
 *
 * <p>The parts: {@link SettingsResolver} checks a request, {@link ModelTurns} asks the model within the deadline,
 * {@link ToolRunner} runs a turn's tool calls (with {@link ToolFailures} turning their failures into results), and
 * {@link TokenUsage} adds up what the model reports.
 */
public class ChatService {

    private final ChatModel model;
    private final boolean offline;
    private final ToolCallbackProvider tools;
    private final ToolExposure exposure;
    private final ConversationStore conversations;
    private final AgentProperties properties;
    private final Clock clock;
    private final SettingsResolver settings;
    private final ModelTurns turns;
    private final ToolRunner toolRunner;
    // Questions, model turns and tool calls as observations: timers always, spans when tracing is on.
    private final AgentObservations observations;

    /** Offers the model every function, whatever the catalog's size. */
    public ChatService(
            ChatModel model,
            boolean offline,
            ToolCallbackProvider tools,
            ConversationStore conversations,
            AgentProperties properties,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters) {
        this(
                model,
                offline,
                tools,
                ToolExposure.everything(json),
                conversations,
                properties,
                json,
                clock,
                new AgentObservations(ObservationRegistry.NOOP, meters, false, offline));
    }

    /** Offers the model what {@code exposure} decides for each question. */
    public ChatService(
            ChatModel model,
            boolean offline,
            ToolCallbackProvider tools,
            ToolExposure exposure,
            ConversationStore conversations,
            AgentProperties properties,
            JsonMapper json,
            Clock clock,
            AgentObservations observations) {
        this.observations = observations;
        // Tool calls, and model calls so they can be cut off at the deadline. The wrapper carries the question's
        // trace context (and the logs' trace ids) over to the worker threads.
        ExecutorService workers = ContextExecutorService.wrap(Executors.newVirtualThreadPerTaskExecutor());
        this.model = model;
        this.offline = offline;
        this.tools = tools;
        this.exposure = exposure;
        this.conversations = conversations;
        this.properties = properties;
        this.clock = clock;
        this.settings = new SettingsResolver(properties, offline);
        this.turns = new ModelTurns(model, workers, clock, observations);
        this.toolRunner = new ToolRunner(
                json, clock, workers, observations, properties.toolTimeout(), properties.maxResultChars());
    }

    /** Whether answers come from the built-in offline model. */
    public boolean offline() {
        return offline;
    }

    /**
     * Answers one question for {@code caller}; {@code listener} sees the steps and, when streaming, the text.
     *
     * @param onBehalfOf for whom every tool call of the question is made (the caller's credential)
     */
    public ChatResult chat(
            String caller, OnBehalfOf onBehalfOf, ChatRequest request, boolean stream, ChatListener listener) {
        return answer(prepare(caller, onBehalfOf, request), stream, listener);
    }

    /**
     * Checks a question before any work starts, so a streaming caller still gets a plain 4xx problem.
     *
     * @param onBehalfOf for whom every tool call of the question is made: the end user's credential, handed to each
     *                   call explicitly (tool calls run on other threads), or the agent itself when there is no user
     * @throws ChatException (400) for a bad message or option, (404) for a conversation that isn't the caller's
     */
    public Question prepare(String caller, OnBehalfOf onBehalfOf, ChatRequest request) {
        return new Question(
                caller,
                Objects.requireNonNull(onBehalfOf, "onBehalfOf"),
                request,
                settings.resolve(request),
                conversation(caller, request.conversationId()));
    }

    /**
     * Runs a prepared question. An exception a listener throws (e.g. {@link ChatAbortedException} when the client
     * went away) ends the question at once and propagates.
     */
    public ChatResult answer(Question question, boolean stream, ChatListener listener) {
        Observation observation = observations.question(
                question.conversation().id(),
                question.settings().model(),
                question.request().message());
        return observation.observe(() -> new Run(question, stream, listener, observation).run());
    }

    private Conversation conversation(String caller, String conversationId) {
        if (conversationId == null) {
            return Conversation.start(UUID.randomUUID().toString(), caller, clock.instant());
        }
        return conversations
                .find(conversationId)
                .filter(c -> c.owner().equals(caller))
                .orElseThrow(() -> ChatException.conversationNotFound(conversationId));
    }

    /** One question being answered: its messages so far, its steps and the tokens spent. */
    private final class Run {

        private final Question question;
        private final boolean stream;
        private final ChatListener listener;
        private final Observation observation;
        private final List<ToolStep> steps = new ArrayList<>();
        private TokenUsage usage = TokenUsage.NONE;

        Run(Question question, boolean stream, ChatListener listener, Observation observation) {
            this.question = question;
            this.stream = stream;
            this.listener = listener;
            this.observation = observation;
        }

        ChatResult run() {
            Instant start = clock.instant();
            ChatRequest request = question.request();
            Settings settings = question.settings();
            Conversation conversation = question.conversation();

            List<Message> messages = new ArrayList<>();
            messages.add(new SystemMessage(properties.systemPrompt()));
            messages.addAll(conversation.history(properties.historyMessages()));
            messages.add(new UserMessage(request.message()));

            // Above the exposure threshold the offer starts small and grows with what search_tools finds.
            ToolOffer offer = exposure.offer(tools.getToolCallbacks(), request.message());
            Map<String, ToolCallback> byName = offer.callable();
            // Start from the model's own options type: a provider expects its options class (e.g. OpenAiChatOptions).
            ToolCallingChatOptions.Builder<?> options =
                    model.getDefaultOptions() instanceof ToolCallingChatOptions defaults
                            ? defaults.mutate()
                            : ToolCallingChatOptions.builder();
            if (!offline) {
                options.model(settings.model()).temperature(settings.temperature());
            }
            ToolContext onBehalfOf = RemoteToolCallback.context(question.onBehalfOf());

            Instant deadline = start.plus(properties.deadline());
            String answer = null;
            String stopped = null;
            for (int turn = 0; turn < settings.maxSteps() && answer == null; turn++) {
                if (listener.cancelled()) {
                    throw new ChatAbortedException();
                }
                if (!clock.instant().isBefore(deadline)) {
                    stopped = pastDeadline("");
                    break;
                }
                offer.changes().ifPresent(listener::toolsOffered);
                options.toolCallbacks(offer.offered());
                ModelTurns.Turn taken;
                try {
                    taken = turns.take(
                            new Prompt(messages, options.build()),
                            settings.model(),
                            turn,
                            stream,
                            listener,
                            deadline,
                            reported -> usage = usage.plus(reported));
                } catch (ModelTurns.DeadlineReached e) {
                    stopped = pastDeadline(" (the model had not finished answering)");
                    break;
                }
                AssistantMessage reply = taken.reply();
                messages.add(reply);
                if (!reply.hasToolCalls()) {
                    answer = reply.getText() == null ? "" : reply.getText();
                    break;
                }
                messages.add(toolRunner.run(
                        reply.getToolCalls(), byName, onBehalfOf, deadline, steps, listener, taken.observation()));
            }
            String outcome = answer != null ? "answered" : stopped != null ? "deadline" : "max_steps";
            if (answer == null) {
                answer = stopped != null
                        ? stopped
                        : "I stopped after " + settings.maxSteps() + " steps without a"
                                + " final answer. Try a simpler question or allow more steps.";
                if (stream) {
                    listener.delta(answer);
                }
            }
            conversations.append(
                    conversation.id(), question.caller(), request.message(), answer, steps, clock.instant());
            observations.answered(observation, outcome, steps.size(), usage, answer);
            return new ChatResult(
                    conversation.id(),
                    answer,
                    steps,
                    settings.model(),
                    usage.toResult(),
                    Duration.between(start, clock.instant()).toMillis());
        }

        private String pastDeadline(String why) {
            return "I stopped because this question took longer than " + Durations.describe(properties.deadline()) + why
                    + ".";
        }
    }

    /** A checked question, ready to run, and for whom its tool calls are made. */
    public record Question(
            String caller, OnBehalfOf onBehalfOf, ChatRequest request, Settings settings, Conversation conversation) {}

    /** What a question runs with: the request's options within the configured bounds. */
    public record Settings(String model, double temperature, int maxSteps) {}
}
