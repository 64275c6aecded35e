package io.agentforge.agent.chat;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Objects;

/**
 * The agent's observations, named and tagged after the OpenTelemetry GenAI semantic conventions: one per question
 * ({@code invoke_agent}), per model turn ({@code chat}) and per tool call ({@code execute_tool}). Each is a span when
 * tracing is on and a timer always; token counts also go to {@code agentforge.agent.tokens}. No prompt, answer or tool
 * argument is recorded unless {@link AgentTracingProperties#captureContent()} says so.
 */
final class AgentObservations {

    static final String QUESTIONS = "agentforge.agent.questions";
    static final String MODEL_TURNS = "agentforge.agent.model.turns";
    static final String TOOL_CALLS = "agentforge.agent.tool.calls";
    static final String TOKENS = "agentforge.agent.tokens";
    static final String STEPS = "agentforge.agent.steps";

    static final String OPERATION = "gen_ai.operation.name";
    static final String PROVIDER = "gen_ai.provider.name";
    static final String REQUEST_MODEL = "gen_ai.request.model";
    static final String RESPONSE_MODEL = "gen_ai.response.model";
    static final String INPUT_TOKENS = "gen_ai.usage.input_tokens";
    static final String OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    static final String FINISH_REASONS = "gen_ai.response.finish_reasons";
    static final String TOOL_NAME = "gen_ai.tool.name";
    static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
    static final String OUTCOME = "outcome";

    private final ObservationRegistry registry;
    private final MeterRegistry meters;
    private final boolean captureContent;
    private final String provider;

    AgentObservations(ObservationRegistry registry, MeterRegistry meters, boolean captureContent, boolean offline) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.captureContent = captureContent;
        this.provider = offline ? "agentforge.offline" : "openai";
    }

    static AgentObservations noop() {
        return new AgentObservations(ObservationRegistry.NOOP, new SimpleMeterRegistry(), false, false);
    }

    boolean captureContent() {
        return captureContent;
    }

    Observation question(String conversationId, String model, String message) {
        Observation observation = Observation.createNotStarted(QUESTIONS, registry)
                .contextualName("invoke_agent")
                .lowCardinalityKeyValues(KeyValues.of(OPERATION, "invoke_agent", PROVIDER, provider, OUTCOME, "failed"))
                .highCardinalityKeyValue("gen_ai.conversation.id", conversationId)
                .highCardinalityKeyValue(REQUEST_MODEL, model);
        if (captureContent) {
            observation.highCardinalityKeyValue("gen_ai.input.messages", message);
        }
        return observation;
    }

    void answered(Observation question, String outcome, int steps, TokenUsage usage, String answer) {
        DistributionSummary.builder(STEPS)
                .description("Tool steps (tool calls) per question, by how the question ended")
                .tag(OUTCOME, outcome)
                // Fixed buckets: a question takes a handful of steps, never thousands.
                .serviceLevelObjectives(1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30)
                .register(meters)
                .record(steps);
        question.lowCardinalityKeyValue(OUTCOME, outcome)
                .highCardinalityKeyValue("agentforge.steps", Integer.toString(steps))
                .highCardinalityKeyValue(INPUT_TOKENS, Long.toString(usage.promptTokens()))
                .highCardinalityKeyValue(OUTPUT_TOKENS, Long.toString(usage.completionTokens()));
        if (captureContent && answer != null) {
            question.highCardinalityKeyValue("gen_ai.output.messages", answer);
        }
    }

    Observation modelTurn(String model, int turn) {
        return Observation.createNotStarted(MODEL_TURNS, registry)
                .contextualName("chat " + model)
                // The response model defaults to the requested one, so a failed turn has the same tags.
                .lowCardinalityKeyValues(KeyValues.of(
                        OPERATION, "chat", PROVIDER, provider, REQUEST_MODEL, model, RESPONSE_MODEL, model))
                .highCardinalityKeyValue("agentforge.turn", Integer.toString(turn));
    }

    /** What the model reported for one turn: the response's model, token counts and finish reasons. */
    void turnAnswered(
            Observation turn, String requestModel, String responseModel, TokenUsage usage, List<String> finish) {
        String model = responseModel == null || responseModel.isBlank() ? requestModel : responseModel;
        turn.lowCardinalityKeyValue(RESPONSE_MODEL, model)
                .highCardinalityKeyValue(INPUT_TOKENS, Long.toString(usage.promptTokens()))
                .highCardinalityKeyValue(OUTPUT_TOKENS, Long.toString(usage.completionTokens()))
                .highCardinalityKeyValue(FINISH_REASONS, String.join(",", finish));
        tokens(model, "input", usage.promptTokens());
        tokens(model, "output", usage.completionTokens());
    }

    private void tokens(String model, String type, long count) {
        if (count > 0) {
            Counter.builder(TOKENS)
                    .description("Tokens the model reported, by model and type (input, output)")
                    .tags("model", model, "type", type)
                    .register(meters)
                    .increment(count);
        }
    }

    /**
     * @param known whether the tool is in the catalog; a name the model made up is tagged {@code unknown} so it can't
     *              grow the metric's series
     */
    Observation toolCall(String tool, String callId, boolean known) {
        String name = known ? tool : "unknown";
        Observation observation = Observation.createNotStarted(TOOL_CALLS, registry)
                .contextualName("execute_tool " + name)
                .lowCardinalityKeyValues(KeyValues.of(OPERATION, "execute_tool", TOOL_NAME, name, OUTCOME, "error"))
                .highCardinalityKeyValue(TOOL_CALL_ID, callId == null ? "" : callId)
                .highCardinalityKeyValue("gen_ai.tool.type", "function");
        if (!known) {
            observation.highCardinalityKeyValue("agentforge.tool.requested_name", ToolFailures.abbreviate(tool, 64));
        }
        return observation;
    }

    /** The call's outcome ({@code success} or {@code error}) and, only when content capture is on, its data. */
    void toolCallEnded(Observation call, boolean success, String arguments, String resultOrError) {
        call.lowCardinalityKeyValue(OUTCOME, success ? "success" : "error");
        if (captureContent) {
            call.highCardinalityKeyValue("gen_ai.tool.call.arguments", arguments == null ? "" : arguments);
            call.highCardinalityKeyValue("gen_ai.tool.call.result", resultOrError == null ? "" : resultOrError);
        }
    }
}
