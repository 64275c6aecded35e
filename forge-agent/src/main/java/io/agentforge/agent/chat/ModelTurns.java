package io.agentforge.agent.chat;

import io.agentforge.agent.llm.ModelCallContexts;
import io.micrometer.observation.Observation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.http.HttpStatus;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One model turn, called or streamed, bounded by the question's deadline: a turn still running at the deadline is
 * cancelled and reported as {@link DeadlineReached}; a model that can't be reached or refuses is a 502.
 */
final class ModelTurns {

    private static final Logger log = LoggerFactory.getLogger(ModelTurns.class);

    private final ChatModel model;
    // Model calls run on a worker so they can be cut off at the deadline.
    private final ExecutorService workers;
    private final Clock clock;
    private final AgentObservations observations;

    ModelTurns(ChatModel model, ExecutorService workers, Clock clock, AgentObservations observations) {
        this.model = model;
        this.workers = workers;
        this.clock = clock;
        this.observations = observations;
    }

    /**
     * Asks the model once. Streamed text goes to {@code listener} as it arrives; exceptions the listener throws pass
     * through untouched. {@code usage} receives what the model reports, as it reports it.
     *
     * @return the model's reply, and the turn's observation: the tool calls the reply asks for are its children
     *
     * @throws DeadlineReached when the deadline passes before the model has answered
     * @throws ChatException   (502) when the model could not be reached or refused
     */
    Turn take(
            Prompt prompt,
            String requestModel,
            int turn,
            boolean stream,
            ChatListener listener,
            Instant deadline,
            Consumer<TokenUsage> usage) {
        Observation observation = observations.modelTurn(requestModel, turn);
        Report report = new Report(usage);
        AssistantMessage reply = observation.observe(() -> {
            AssistantMessage answered =
                    stream ? streamed(prompt, listener, deadline, report) : called(prompt, deadline, report);
            observations.turnAnswered(observation, requestModel, report.model, report.tokens, report.finishReasons);
            return answered;
        });
        return new Turn(reply, observation);
    }

    /** A model turn's reply and its (stopped) observation. */
    record Turn(AssistantMessage reply, Observation observation) {}

    /** What the model reported over one turn, for its observation; passes the token counts on as they come. */
    private static final class Report implements Consumer<ChatResponse> {
        private final Consumer<TokenUsage> usage;
        private TokenUsage tokens = TokenUsage.NONE;
        private String model;
        private final List<String> finishReasons = new ArrayList<>();

        Report(Consumer<TokenUsage> usage) {
            this.usage = usage;
        }

        @Override
        public void accept(ChatResponse response) {
            TokenUsage reported = TokenUsage.of(response);
            tokens = tokens.plus(reported);
            usage.accept(reported);
            if (response.getMetadata() != null
                    && response.getMetadata().getModel() != null
                    && !response.getMetadata().getModel().isBlank()) {
                model = response.getMetadata().getModel();
            }
            if (response.getResult() != null && response.getResult().getMetadata() != null) {
                String reason = response.getResult().getMetadata().getFinishReason();
                if (reason != null && !reason.isBlank()) {
                    finishReasons.add(reason.toLowerCase(Locale.ROOT));
                }
            }
        }
    }

    private AssistantMessage called(Prompt prompt, Instant deadline, Consumer<ChatResponse> usage) {
        Duration remaining = Duration.between(clock.instant(), deadline);
        Future<ChatResponse> call = workers.submit(() -> model.call(prompt));
        try {
            ChatResponse response = call.get(Math.max(1, Durations.ceilMillis(remaining)), TimeUnit.MILLISECONDS);
            if (response == null || response.getResult() == null) {
                throw modelFailed(new IllegalStateException("the model's answer had no choices"));
            }
            usage.accept(response);
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

    private AssistantMessage streamed(
            Prompt prompt, ChatListener listener, Instant deadline, Consumer<ChatResponse> usage) {
        Duration remaining = Duration.between(clock.instant(), deadline);
        StringBuilder text = new StringBuilder();
        Map<String, AssistantMessage.ToolCall> calls = new LinkedHashMap<>();
        // Closing the stream cancels the model's response, whether the question ends normally or not.
        Flux<ChatResponse> response;
        // The SDK sends a streamed request from a thread of its own: the turn's context goes along by key.
        ModelCallContexts.Registration context = ModelCallContexts.register();
        try {
            response = model.stream(withContext(prompt, context));
        } catch (RuntimeException e) {
            context.close();
            throw modelFailed(e);
        }
        try (context;
                Stream<ChatResponse> chunks = response.timeout(
                                Mono.delay(remaining), chunk -> Mono.delay(Duration.between(clock.instant(), deadline)))
                        .toStream(1)) {
            Iterator<ChatResponse> iterator = chunks.iterator();
            while (next(iterator)) {
                ChatResponse chunk = iterator.next();
                usage.accept(chunk);
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
        return AssistantMessage.builder()
                .content(text.toString())
                .toolCalls(new ArrayList<>(calls.values()))
                .build();
    }

    private static Prompt withContext(Prompt prompt, ModelCallContexts.Registration context) {
        if (!(prompt.getOptions() instanceof OpenAiChatOptions options)) {
            return prompt;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (options.getCustomHeaders() != null) {
            headers.putAll(options.getCustomHeaders());
        }
        headers.put(ModelCallContexts.HEADER, context.key());
        return new Prompt(
                prompt.getInstructions(),
                options.mutate().customHeaders(headers).build());
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
        return new ChatException(
                HttpStatus.BAD_GATEWAY,
                "model-unavailable",
                "The language model could not be reached or refused the request: " + ToolFailures.rootMessage(e));
    }

    // Streamed tool calls may arrive in pieces; pieces without an id continue the previous call.
    private static void merge(Map<String, AssistantMessage.ToolCall> calls, AssistantMessage.ToolCall piece) {
        String id = piece.id() == null || piece.id().isBlank()
                ? (calls.isEmpty() ? "call_0" : new ArrayList<>(calls.keySet()).getLast())
                : piece.id();
        calls.merge(
                id,
                new AssistantMessage.ToolCall(
                        id, piece.type(), piece.name(), piece.arguments() == null ? "" : piece.arguments()),
                (a, b) -> new AssistantMessage.ToolCall(
                        id,
                        a.type() != null ? a.type() : b.type(),
                        a.name() != null && !a.name().isEmpty() ? a.name() : b.name(),
                        a.arguments().equals(b.arguments()) ? a.arguments() : a.arguments() + b.arguments()));
    }

    /** The question's deadline passed while the model was still answering. */
    static final class DeadlineReached extends RuntimeException {
        DeadlineReached() {
            super(null, null, false, false);
        }
    }
}
