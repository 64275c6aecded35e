package io.agentforge.agent.chat;

import io.agentforge.agent.conversation.ToolStep;
import io.agentforge.agent.tooling.AgentDelegation;
import io.agentforge.agent.tooling.RemoteToolCallback;
import io.micrometer.observation.Observation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the tool calls of one model turn in parallel, each within the tool timeout and all within the question's
 * deadline, and answers each with a tool response: the result (capped), or {@code {"error": "…"}} for an unknown
 * function, arguments that aren't a JSON object, a timeout or a failure.
 */
final class ToolRunner {

    private final JsonMapper json;
    private final Clock clock;
    private final ExecutorService workers;
    private final AgentObservations observations;
    private final Duration toolTimeout;
    private final int maxResultChars;

    ToolRunner(
            JsonMapper json,
            Clock clock,
            ExecutorService workers,
            AgentObservations observations,
            Duration toolTimeout,
            int maxResultChars) {
        this.json = json;
        this.clock = clock;
        this.workers = workers;
        this.observations = observations;
        this.toolTimeout = toolTimeout;
        this.maxResultChars = maxResultChars;
    }

    /**
     * Runs {@code calls}, appends a step per call to {@code steps} in the order the model asked, and tells
     * {@code listener} when each starts and ends.
     *
     * @param onBehalfOf for whom every call is made; it travels with the call (calls run on other threads)
     * @param turn       the model turn that asked for the calls: each call's {@code execute_tool} span is its child
     */
    ToolResponseMessage run(
            List<AssistantMessage.ToolCall> calls,
            Map<String, ToolCallback> byName,
            ToolContext onBehalfOf,
            Instant deadline,
            List<ToolStep> steps,
            ChatListener listener,
            Observation turn) {
        List<Future<ToolStep>> running = new ArrayList<>();
        // Every call of the turn gets its allowance from the same moment: waiting for one doesn't eat another's.
        Instant started = clock.instant();
        Instant callDeadline = started.plus(toolTimeout).isBefore(deadline) ? started.plus(toolTimeout) : deadline;
        long allowance = Math.max(1, Durations.ceilMillis(Duration.between(started, callDeadline)));
        for (AssistantMessage.ToolCall call : calls) {
            listener.stepStarted(call.id(), new ToolStep(call.name(), arguments(call.arguments()), null, null, 0));
            running.add(workers.submit(() -> observed(call, byName.get(call.name()), byName, onBehalfOf, turn)));
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

    private ToolStep await(
            Future<ToolStep> future, AssistantMessage.ToolCall call, Instant callDeadline, long allowance) {
        // Rounded up, so a wait cut short by the question's deadline ends at or after it and the loop then stops.
        long budget = Math.max(1, Durations.ceilMillis(Duration.between(clock.instant(), callDeadline)));
        try {
            return future.get(budget, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            return new ToolStep(
                    call.name(), arguments(call.arguments()), null, ToolFailures.timedOut(allowance), allowance);
        } catch (ExecutionException e) {
            return new ToolStep(call.name(), arguments(call.arguments()), null, ToolFailures.rootMessage(e), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ToolStep(call.name(), arguments(call.arguments()), null, "Interrupted", 0);
        }
    }

    // The execute_tool span: the step's duration is measured inside it, so the console's step view and the trace agree.
    private ToolStep observed(
            AssistantMessage.ToolCall call,
            ToolCallback tool,
            Map<String, ToolCallback> byName,
            ToolContext onBehalfOf,
            Observation turn) {
        // Under the turn that asked for it (which has ended by now), not merely under the question: the worker
        // thread's current span is the question's, and the tracer prefers the current span to an explicit parent.
        try (Observation.Scope inTurn = turn.openScope()) {
            Observation observation =
                    observations.toolCall(call.name(), call.id(), tool != null).parentObservation(turn);
            return observation.observe(() -> {
                ToolStep step = runOne(call, tool, byName, onBehalfOf);
                observations.toolCallEnded(
                        observation,
                        step.error() == null,
                        call.arguments(),
                        step.error() != null ? step.error() : String.valueOf(step.result()));
                return step;
            });
        }
    }

    private ToolStep runOne(
            AssistantMessage.ToolCall call,
            ToolCallback tool,
            Map<String, ToolCallback> byName,
            ToolContext onBehalfOf) {
        Instant started = clock.instant();
        JsonNode arguments = arguments(call.arguments());
        if (tool == null) {
            return failed(
                    call,
                    arguments,
                    started,
                    "Unknown function '" + call.name() + "'. Available: " + String.join(", ", byName.keySet()));
        }
        if (arguments == null || !arguments.isObject()) {
            return failed(
                    call,
                    arguments,
                    started,
                    "The arguments are not a JSON object: " + ToolFailures.abbreviate(call.arguments(), 200));
        }
        try {
            // Who the call is for travels with it (it runs on another thread), never in a thread local.
            String result = tool instanceof RemoteToolCallback || tool instanceof AgentDelegation
                    ? tool.call(call.arguments(), onBehalfOf)
                    : tool.call(call.arguments());
            JsonNode parsed = json.readTree(cap(result));
            return new ToolStep(call.name(), arguments, parsed, null, elapsed(started));
        } catch (RuntimeException e) {
            return failed(call, arguments, started, ToolFailures.of(call.name(), e));
        }
    }

    // A result the model sees is capped; beyond the cap it gets a note instead of the rest.
    private String cap(String result) {
        if (result.length() <= maxResultChars) {
            return result;
        }
        return json.writeValueAsString(Map.of(
                "truncated",
                true,
                "note",
                "The result was longer than " + maxResultChars + " characters and was cut",
                "partial",
                result.substring(0, maxResultChars)));
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
            return json.getNodeFactory().stringNode(ToolFailures.abbreviate(arguments, 500));
        }
    }
}
