package io.agentforge.agent.chat;

import io.agentforge.agent.conversation.Conversation;
import io.agentforge.agent.conversation.ConversationStore;
import io.agentforge.agent.conversation.ToolStep;
import io.agentforge.agent.tooling.OnBehalfOf;
import io.agentforge.agent.tooling.RemoteToolCallback;
import io.agentforge.client.RegistryException;
import io.agentforge.client.ToolInvocationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.http.HttpStatus;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The agent loop: offer the registry's functions to the model, run the tool calls it asks for (in parallel when
 * several come in one turn) and feed the results back, until it answers or a limit is hit. The loop runs here rather
 * than in Spring AI so every step can be recorded, limited and streamed. A failing tool never fails the question:
 * the model is told what went wrong, as a tool result.
 */
public class ChatService {

    private static final Logger log = LoggerFactory.getLogger(ChatService.class);
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,100}");

    private final ChatModel model;
    private final String modelName;
    private final boolean offline;
    private final ToolCallbackProvider tools;
    private final ConversationStore conversations;
    private final AgentProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    // Tool calls, and model calls so they can be cut off at the deadline.
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    // Wall-clock phases of a question, so the agent's own overhead can be told apart from model and tool time.
    private final Timer questionTimer;
    private final Timer modelTimer;
    private final Timer toolTimer;

    public ChatService(ChatModel model, boolean offline, ToolCallbackProvider tools, ConversationStore conversations,
                       AgentProperties properties, JsonMapper json, Clock clock, MeterRegistry meters) {
        this.questionTimer = Timer.builder("agentforge.agent.questions").description("Whole questions")
                .register(meters);
        this.modelTimer = Timer.builder("agentforge.agent.model.turns").description("Model calls as the agent sees them")
                .register(meters);
        this.toolTimer = Timer.builder("agentforge.agent.tool.calls").description("Tool calls as the agent sees them")
                .register(meters);
        this.model = model;
        this.offline = offline;
        this.modelName = offline ? "offline" : properties.llm().model();
        this.tools = tools;
        this.conversations = conversations;
        this.properties = properties;
        this.json = json;
        this.clock = clock;
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
    public ChatResult chat(String caller, OnBehalfOf onBehalfOf, ChatRequest request, boolean stream,
                           ChatListener listener) {
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
        return new Question(caller, Objects.requireNonNull(onBehalfOf, "onBehalfOf"), request, settings(request),
                conversation(caller, request.conversationId()));
    }

    /**
     * Runs a prepared question. An exception a listener throws (e.g. {@link ChatAbortedException} when the client
     * went away) ends the question at once and propagates.
     */
    public ChatResult answer(Question question, boolean stream, ChatListener listener) {
        return questionTimer.record(() -> run(question, stream, listener));
    }

    private ChatResult run(Question question, boolean stream, ChatListener listener) {
        Instant start = clock.instant();
        String caller = question.caller();
        ChatRequest request = question.request();
        Settings settings = question.settings();
        Conversation conversation = question.conversation();

        List<Message> messages = new ArrayList<>();
        messages.add(new SystemMessage(properties.systemPrompt()));
        messages.addAll(conversation.history(properties.historyMessages()));
        messages.add(new UserMessage(request.message()));

        ToolCallback[] available = tools.getToolCallbacks();
        Map<String, ToolCallback> byName = new LinkedHashMap<>();
        Arrays.stream(available).forEach(t -> byName.put(t.getToolDefinition().name(), t));
        // Start from the model's own options type: a provider expects its options class (e.g. OpenAiChatOptions).
        ToolCallingChatOptions.Builder<?> options = model.getDefaultOptions() instanceof ToolCallingChatOptions defaults
                ? defaults.mutate() : ToolCallingChatOptions.builder();
        options.toolCallbacks(List.of(available));
        if (!offline) {
            options.model(settings.model()).temperature(settings.temperature());
        }

        List<ToolStep> steps = new ArrayList<>();
        long[] usage = new long[3];
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
            Prompt prompt = new Prompt(messages, options.build());
            AssistantMessage reply;
            try {
                reply = modelTimer.record(() -> ask(prompt, stream, listener, usage, deadline));
            } catch (DeadlineReached e) {
                stopped = pastDeadline(" (the model had not finished answering)");
                break;
            }
            messages.add(reply);
            if (!reply.hasToolCalls()) {
                answer = reply.getText() == null ? "" : reply.getText();
                break;
            }
            messages.add(runTools(reply.getToolCalls(), byName, RemoteToolCallback.context(question.onBehalfOf()),
                    deadline, steps, listener));
        }
        if (answer == null) {
            answer = stopped != null ? stopped : "I stopped after " + settings.maxSteps() + " steps without a final"
                    + " answer. Try a simpler question or allow more steps.";
            if (stream) {
                listener.delta(answer);
            }
        }
        conversations.append(conversation.id(), caller, request.message(), answer, steps, clock.instant());
        return new ChatResult(conversation.id(), answer, steps, settings.model(),
                new ChatResult.Usage(usage[0], usage[1], usage[2]),
                Duration.between(start, clock.instant()).toMillis());
    }

    // One model turn, bounded by the question's deadline. Exceptions from the listener pass through untouched.
    private AssistantMessage ask(Prompt prompt, boolean stream, ChatListener listener, long[] usage,
                                 Instant deadline) {
        Duration remaining = Duration.between(clock.instant(), deadline);
        if (!stream) {
            Future<ChatResponse> call = workers.submit(() -> model.call(prompt));
            try {
                ChatResponse response = call.get(Math.max(1, ceilMillis(remaining)), TimeUnit.MILLISECONDS);
                if (response == null || response.getResult() == null) {
                    throw modelFailed(new IllegalStateException("the model's answer had no choices"));
                }
                count(response, usage);
                return response.getResult().getOutput();
            } catch (TimeoutException e) {
                call.cancel(true);
                throw new DeadlineReached();
            } catch (InterruptedException e) {
                call.cancel(true);
                Thread.currentThread().interrupt();
                throw new ChatAbortedException();
            } catch (ExecutionException e) {
                throw modelFailed(e.getCause());
            }
        }
        StringBuilder text = new StringBuilder();
        Map<String, AssistantMessage.ToolCall> calls = new LinkedHashMap<>();
        // Closing the stream cancels the model's response, whether the question ends normally or not.
        Flux<ChatResponse> response;
        try {
            response = model.stream(prompt);
        } catch (RuntimeException e) {
            throw modelFailed(e);
        }
        try (Stream<ChatResponse> chunks = response
                .timeout(Mono.delay(remaining), chunk -> Mono.delay(Duration.between(clock.instant(), deadline)))
                .toStream(1)) {
            Iterator<ChatResponse> iterator = chunks.iterator();
            while (next(iterator)) {
                ChatResponse chunk = iterator.next();
                count(chunk, usage);
                if (chunk.getResult() == null) {
                    continue;
                }
                AssistantMessage output = chunk.getResult().getOutput();
                if (output.getText() != null && !output.getText().isEmpty()) {
                    text.append(output.getText());
                    listener.delta(output.getText());
                }
                output.getToolCalls().forEach(call -> merge(calls, call));
            }
        }
        return AssistantMessage.builder().content(text.toString()).toolCalls(new ArrayList<>(calls.values()))
                .build();
    }

    // Advances the model's stream; its failures become a deadline stop or a 502, never the listener's.
    private boolean next(Iterator<ChatResponse> iterator) {
        try {
            return iterator.hasNext();
        } catch (RuntimeException e) {
            if (Exceptions.unwrap(e) instanceof TimeoutException) {
                throw new DeadlineReached();
            }
            throw modelFailed(e);
        }
    }

    private ChatException modelFailed(Throwable e) {
        log.warn("The model call failed: {}", e.toString());
        return new ChatException(HttpStatus.BAD_GATEWAY, "model-unavailable",
                "The language model could not be reached or refused the request: " + rootMessage(e));
    }

    // Streamed tool calls may arrive in pieces; pieces without an id continue the previous call.
    private static void merge(Map<String, AssistantMessage.ToolCall> calls, AssistantMessage.ToolCall piece) {
        String id = piece.id() == null || piece.id().isBlank()
                ? (calls.isEmpty() ? "call_0" : new ArrayList<>(calls.keySet()).getLast()) : piece.id();
        calls.merge(id, new AssistantMessage.ToolCall(id, piece.type(), piece.name(),
                piece.arguments() == null ? "" : piece.arguments()), (a, b) -> new AssistantMessage.ToolCall(id,
                a.type() != null ? a.type() : b.type(), a.name() != null && !a.name().isEmpty() ? a.name() : b.name(),
                a.arguments().equals(b.arguments()) ? a.arguments() : a.arguments() + b.arguments()));
    }

    private ToolResponseMessage runTools(List<AssistantMessage.ToolCall> calls, Map<String, ToolCallback> byName,
                                         ToolContext onBehalfOf, Instant deadline, List<ToolStep> steps,
                                         ChatListener listener) {
        List<Future<ToolStep>> running = new ArrayList<>();
        // Every call of the turn gets its allowance from the same moment: waiting for one doesn't eat another's.
        Instant started = clock.instant();
        Instant callDeadline = started.plus(properties.toolTimeout()).isBefore(deadline)
                ? started.plus(properties.toolTimeout()) : deadline;
        long allowance = Math.max(1, ceilMillis(Duration.between(started, callDeadline)));
        for (AssistantMessage.ToolCall call : calls) {
            listener.stepStarted(call.id(), new ToolStep(call.name(), arguments(call.arguments()), null, null, 0));
            running.add(workers.submit(() -> toolTimer.record(() -> runTool(call, byName.get(call.name()), byName,
                    onBehalfOf))));
        }
        List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            AssistantMessage.ToolCall call = calls.get(i);
            ToolStep step = await(running.get(i), call, callDeadline, allowance);
            steps.add(step);
            listener.stepFinished(call.id(), step);
            String data = step.error() != null
                    ? json.writeValueAsString(Map.of("error", step.error()))
                    : json.writeValueAsString(step.result());
            responses.add(new ToolResponseMessage.ToolResponse(call.id(), call.name(), data));
        }
        return ToolResponseMessage.builder().responses(responses).build();
    }

    private ToolStep await(Future<ToolStep> future, AssistantMessage.ToolCall call, Instant callDeadline,
                           long allowance) {
        // Rounded up, so a wait cut short by the question's deadline ends at or after it and the loop then stops.
        long budget = Math.max(1, ceilMillis(Duration.between(clock.instant(), callDeadline)));
        try {
            return future.get(budget, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new ToolStep(call.name(), arguments(call.arguments()), null,
                    "The tool did not answer within " + allowance + " ms", allowance);
        } catch (ExecutionException e) {
            return new ToolStep(call.name(), arguments(call.arguments()), null, rootMessage(e), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ToolStep(call.name(), arguments(call.arguments()), null, "Interrupted", 0);
        }
    }

    private ToolStep runTool(AssistantMessage.ToolCall call, ToolCallback tool, Map<String, ToolCallback> byName,
                             ToolContext onBehalfOf) {
        Instant started = clock.instant();
        JsonNode arguments = arguments(call.arguments());
        if (tool == null) {
            return failed(call, arguments, started, "Unknown function '" + call.name() + "'. Available: "
                    + String.join(", ", byName.keySet()));
        }
        if (arguments == null || !arguments.isObject()) {
            return failed(call, arguments, started, "The arguments are not a JSON object: "
                    + abbreviate(call.arguments(), 200));
        }
        try {
            // Who the call is for travels with it (it runs on another thread), never in a thread local.
            String result = tool instanceof RemoteToolCallback ? tool.call(call.arguments(), onBehalfOf)
                    : tool.call(call.arguments());
            JsonNode parsed = json.readTree(cap(result));
            return new ToolStep(call.name(), arguments, parsed, null, elapsed(started));
        } catch (ToolInvocationException e) {
            return failed(call, arguments, started, e.getMessage());
        } catch (RegistryException | IllegalStateException | IllegalArgumentException e) {
            return failed(call, arguments, started, rootMessage(e));
        } catch (RuntimeException e) {
            log.warn("Tool {} failed", call.name(), e);
            return failed(call, arguments, started, rootMessage(e));
        }
    }

    // A result the model sees is capped; beyond the cap it gets a note instead of the rest.
    private String cap(String result) {
        if (result.length() <= properties.maxResultChars()) {
            return result;
        }
        return json.writeValueAsString(Map.of("truncated", true, "note", "The result was longer than "
                + properties.maxResultChars() + " characters and was cut", "partial",
                result.substring(0, properties.maxResultChars())));
    }

    private ToolStep failed(AssistantMessage.ToolCall call, JsonNode arguments, Instant started, String error) {
        return new ToolStep(call.name(), arguments, null, error, elapsed(started));
    }

    private long elapsed(Instant started) {
        return Duration.between(started, clock.instant()).toMillis();
    }

    private JsonNode arguments(String arguments) {
        try {
            return json.readTree(arguments == null || arguments.isBlank() ? "{}" : arguments);
        } catch (RuntimeException e) {
            return json.getNodeFactory().stringNode(abbreviate(arguments, 500));
        }
    }

    private Settings settings(ChatRequest request) {
        if (request.message() == null || request.message().isBlank()) {
            throw new ChatException(HttpStatus.BAD_REQUEST, "validation", "message: must not be empty");
        }
        if (request.message().length() > properties.maxMessageChars()) {
            throw new ChatException(HttpStatus.BAD_REQUEST, "validation", "message: is longer than "
                    + properties.maxMessageChars() + " characters");
        }
        if (request.conversationId() != null && !ChatRequest.CONVERSATION_ID.matcher(request.conversationId()).matches()) {
            throw new ChatException(HttpStatus.BAD_REQUEST, "validation",
                    "conversationId: must match " + ChatRequest.CONVERSATION_ID.pattern());
        }
        ChatRequest.Options options = request.options() == null ? new ChatRequest.Options(null, null, null)
                : request.options();
        String chosenModel = options.model() == null ? modelName : options.model();
        if (!MODEL_NAME.matcher(chosenModel).matches()) {
            throw new ChatException(HttpStatus.BAD_REQUEST, "validation", "options.model: must match "
                    + MODEL_NAME.pattern());
        }
        List<String> allowed = properties.llm().allowedModels();
        if (options.model() != null && !offline && !allowed.isEmpty() && !allowed.contains(chosenModel)
                && !chosenModel.equals(modelName)) {
            throw new ChatException(HttpStatus.BAD_REQUEST, "validation", "options.model: must be one of "
                    + String.join(", ", allowed) + " or the default " + modelName);
        }
        double temperature = options.temperature() == null ? properties.llm().temperature() : options.temperature();
        // Written so that NaN fails too.
        if (!(temperature >= properties.llm().minTemperature() && temperature <= properties.llm().maxTemperature())) {
            throw new ChatException(HttpStatus.BAD_REQUEST, "validation", "options.temperature: must be between "
                    + properties.llm().minTemperature() + " and " + properties.llm().maxTemperature());
        }
        int maxSteps = options.maxSteps() == null ? properties.maxSteps() : options.maxSteps();
        if (maxSteps < 1 || maxSteps > properties.maxStepsLimit()) {
            throw new ChatException(HttpStatus.BAD_REQUEST, "validation", "options.maxSteps: must be between 1 and "
                    + properties.maxStepsLimit());
        }
        return new Settings(offline ? "offline" : chosenModel, temperature, maxSteps);
    }

    private Conversation conversation(String caller, String conversationId) {
        if (conversationId == null) {
            return Conversation.start(UUID.randomUUID().toString(), caller, clock.instant());
        }
        return conversations.find(conversationId)
                .filter(c -> c.owner().equals(caller))
                .orElseThrow(() -> ChatException.conversationNotFound(conversationId));
    }

    private static void count(ChatResponse response, long[] usage) {
        if (response.getMetadata() == null) {
            return;
        }
        Usage reported = response.getMetadata().getUsage();
        if (reported == null) {
            return;
        }
        usage[0] += reported.getPromptTokens() == null ? 0 : reported.getPromptTokens();
        usage[1] += reported.getCompletionTokens() == null ? 0 : reported.getCompletionTokens();
        usage[2] += reported.getTotalTokens() == null ? 0 : reported.getTotalTokens();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof ToolInvocationException) {
                break;
            }
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : abbreviate(root.getMessage(), 500);
    }

    private String pastDeadline(String why) {
        return "I stopped because this question took longer than " + describe(properties.deadline()) + why + ".";
    }

    private static long ceilMillis(Duration duration) {
        return Math.ceilDiv(duration.toNanos(), 1_000_000L);
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String abbreviate(String text, int max) {
        return text == null ? "" : text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /** A checked question, ready to run, and for whom its tool calls are made. */
    public record Question(String caller, OnBehalfOf onBehalfOf, ChatRequest request, Settings settings,
                           Conversation conversation) {
    }

    /** What a question runs with: the request's options within the configured bounds. */
    public record Settings(String model, double temperature, int maxSteps) {
    }

    // The question's deadline passed while the model was still answering.
    private static final class DeadlineReached extends RuntimeException {
        DeadlineReached() {
            super(null, null, false, false);
        }
    }
}
