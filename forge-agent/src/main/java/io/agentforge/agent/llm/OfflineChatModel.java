package io.agentforge.agent.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;
import reactor.core.publisher.Flux;

/**
 * The model used when no LLM is configured. It keeps the agent's main job working: arithmetic questions become a
 * {@code calculator_evaluate} tool call through the same loop a real model drives; anything else gets a plain
 * statement that no LLM is configured and how to configure one.
 */
public final class OfflineChatModel implements ChatModel {

    public static final String NAME = "offline";
    static final String CALCULATOR = "calculator_evaluate";
    static final String NOTE = "(Answered by the offline model: no LLM is configured. Set OPENAI_API_KEY, or "
            + "AGENTFORGE_LLM_BASE_URL for Ollama, vLLM, LM Studio or another OpenAI-compatible server, to chat freely.)";

    private static final Pattern PERCENT_OF = Pattern.compile(
            "(-?\\d+(?:\\.\\d+)?)\\s*(?:%|percent)\\s*of\\s*(-?\\d+(?:\\.\\d+)?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SQUARE_ROOT =
            Pattern.compile("square root of\\s*(\\d+(?:\\.\\d+)?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern EXPRESSION_CHARS = Pattern.compile(
            "[0-9.+\\-*/%^(),\\s]|sqrt|abs|round|floor|ceil" + "|ln|log10|sin|cos|tan|min|max|pi|e(?![a-z])");
    private static final String[][] WORDS = {
        {"plus", "+"},
        {"minus", "-"},
        {"times", "*"},
        {"multiplied by", "*"},
        {"divided by", "/"},
        {"over", "/"},
        {"to the power of", "^"},
        {"×", "*"},
        {"÷", "/"},
        {"x(?=\\s*\\d)", "*"}
    };

    @Override
    public ChatResponse call(Prompt prompt) {
        List<Message> messages = prompt.getInstructions();
        Message last = messages.isEmpty() ? null : messages.getLast();
        if (last instanceof ToolResponseMessage tools) {
            return answer(resultText(tools, messages));
        }
        String question = last instanceof UserMessage user ? user.getText() : "";
        Optional<String> expression = expression(question);
        if (expression.isEmpty()) {
            return answer("I can only do arithmetic without a language model, e.g. \"what is 12.5% of 240?\" or "
                    + "\"(3+4)*2\". " + NOTE);
        }
        if (!offers(prompt, CALCULATOR)) {
            return answer("That looks like arithmetic, but no calculator tool is registered and healthy right now, "
                    + "so I can't compute it. Start the calculator service and ask again. " + NOTE);
        }
        String arguments =
                "{\"expression\":\"" + expression.get().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        AssistantMessage call = AssistantMessage.builder()
                .content("")
                .toolCalls(List.of(new AssistantMessage.ToolCall(
                        "call_" + UUID.randomUUID().toString().substring(0, 8), "function", CALCULATOR, arguments)))
                .build();
        return new ChatResponse(List.of(new Generation(call)));
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        ChatResponse response = call(prompt);
        AssistantMessage output = response.getResult().getOutput();
        if (output.hasToolCalls()) {
            return Flux.just(response);
        }
        // Word by word, so streaming clients see the same shape of events as with a real model.
        List<ChatResponse> chunks = new ArrayList<>();
        Matcher words = Pattern.compile("\\S+\\s*").matcher(output.getText());
        while (words.find()) {
            chunks.add(new ChatResponse(List.of(new Generation(new AssistantMessage(words.group())))));
        }
        return Flux.fromIterable(chunks);
    }

    /** The arithmetic expression in a question, if it holds one the calculator can evaluate. */
    static Optional<String> expression(String question) {
        String text = question.trim().toLowerCase(Locale.ROOT);
        Matcher percent = PERCENT_OF.matcher(text);
        if (percent.find()) {
            return Optional.of(percent.group(1) + " / 100 * " + percent.group(2));
        }
        Matcher root = SQUARE_ROOT.matcher(text);
        if (root.find()) {
            return Optional.of("sqrt(" + root.group(1) + ")");
        }
        for (String[] word : WORDS) {
            text = text.replaceAll(word[0], " " + word[1] + " ");
        }
        text = text.replaceAll("^(what is|what's|calculate|compute|evaluate|how much is)\\s+", "")
                .replaceAll("[?!=]+\\s*$", "")
                .trim();
        Matcher allowed = EXPRESSION_CHARS.matcher(text);
        int covered = 0;
        while (allowed.find()) {
            covered += allowed.end() - allowed.start();
        }
        boolean hasDigit = text.chars().anyMatch(Character::isDigit);
        boolean hasOperator = text.matches(".*[+\\-*/%^(].*");
        if (text.isEmpty() || covered != text.length() || !hasDigit || !hasOperator) {
            return Optional.empty();
        }
        return Optional.of(text.replaceAll("\\s+", " "));
    }

    private static String resultText(ToolResponseMessage tools, List<Message> messages) {
        ToolResponseMessage.ToolResponse response = tools.getResponses().getFirst();
        String data = response.responseData();
        Matcher result = Pattern.compile("\"result\"\\s*:\\s*\"?([^\",}]+)").matcher(data);
        Matcher error =
                Pattern.compile("\"(?:error|detail)\"\\s*:\\s*\"([^\"]+)").matcher(data);
        String expression = messages.stream()
                .filter(m -> m instanceof AssistantMessage a && a.hasToolCalls())
                .map(m -> ((AssistantMessage) m).getToolCalls().getLast().arguments())
                .reduce((a, b) -> b)
                .map(a -> a.replaceAll(".*\"expression\"\\s*:\\s*\"(.*)\".*", "$1"))
                .orElse("");
        if (result.find()) {
            return expression + " = " + result.group(1).trim() + "\n\n" + NOTE;
        }
        if (error.find()) {
            return "The calculator could not evaluate " + expression + ": " + error.group(1) + "\n\n" + NOTE;
        }
        return "The calculator answered: " + data + "\n\n" + NOTE;
    }

    private static boolean offers(Prompt prompt, String tool) {
        if (!(prompt.getOptions() instanceof ToolCallingChatOptions options) || options.getToolCallbacks() == null) {
            return false;
        }
        for (ToolCallback callback : options.getToolCallbacks()) {
            if (callback.getToolDefinition().name().equals(tool)) {
                return true;
            }
        }
        return false;
    }

    private static ChatResponse answer(String text) {
        return new ChatResponse(List.of(new Generation(new AssistantMessage(text))));
    }
}
