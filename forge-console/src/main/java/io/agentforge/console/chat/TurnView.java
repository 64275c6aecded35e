package io.agentforge.console.chat;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A past question and answer as the chat page shows it.
 *
 * @param answerHtml the answer's Markdown rendered by {@link MarkdownRenderer} (safe to insert unescaped)
 */
public record TurnView(String question, String answerHtml, List<StepView> steps, Instant at) {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    static TurnView of(Conversations.Turn turn, MarkdownRenderer markdown) {
        return new TurnView(
                turn.question(),
                markdown.render(turn.answer()),
                turn.steps().stream().map(StepView::of).toList(),
                turn.at());
    }

    /** One tool call, its JSON pretty-printed. */
    public record StepView(String tool, String arguments, String result, String error, long durationMs) {

        static StepView of(Conversations.Step step) {
            return new StepView(
                    step.tool(),
                    pretty(step.arguments()),
                    step.result() == null || step.result().isNull() ? "" : pretty(step.result()),
                    step.error(),
                    step.durationMs());
        }

        public boolean failed() {
            return error != null && !error.isBlank();
        }
    }

    static String pretty(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "";
        }
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    }
}
