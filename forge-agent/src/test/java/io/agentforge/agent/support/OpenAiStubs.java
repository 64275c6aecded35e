package io.agentforge.agent.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.List;

/** OpenAI Chat Completions responses, as the wire carries them, for WireMock. */
public final class OpenAiStubs {

    private OpenAiStubs() {}

    public static String toolCalls(String... nameAndArguments) {
        StringBuilder calls = new StringBuilder();
        for (int i = 0; i < nameAndArguments.length; i += 2) {
            calls.append(i == 0 ? "" : ",")
                    .append("""
                    {"id":"call_%d","type":"function","function":{"name":"%s","arguments":%s}}""".formatted(i / 2 + 1, nameAndArguments[i], quote(nameAndArguments[i + 1])));
        }
        return """
                {"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":"gpt-test",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[%s]},
                 "finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":50,"completion_tokens":10,"total_tokens":60}}""".formatted(calls);
    }

    public static String answer(String text) {
        return """
                {"id":"chatcmpl-2","object":"chat.completion","created":1764000000,"model":"gpt-test",
                 "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":70,"completion_tokens":8,"total_tokens":78}}""".formatted(quote(text));
    }

    /** A streamed answer: one chunk per piece, then a finish chunk and [DONE]. */
    public static String streamedAnswer(List<String> pieces) {
        StringBuilder body = new StringBuilder();
        for (String piece : pieces) {
            body.append("data: ").append("""
                    {"id":"chatcmpl-3","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test",\
                    "choices":[{"index":0,"delta":{"role":"assistant","content":%s},"finish_reason":null}]}""".formatted(quote(piece))).append("\n\n");
        }
        body.append("data: ").append("""
                {"id":"chatcmpl-3","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test",\
                "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""").append("\n\n");
        body.append("data: [DONE]\n\n");
        return body.toString();
    }

    /** A streamed tool call, its arguments split over two chunks as OpenAI does. */
    public static String streamedToolCall(String name, String arguments) {
        int half = arguments.length() / 2;
        return "data: " + """
                {"id":"chatcmpl-4","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test",\
                "choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,\
                "id":"call_s1","type":"function","function":{"name":"%s","arguments":%s}}]},"finish_reason":null}]}""".formatted(name, quote(arguments.substring(0, half))) + "\n\n"
                + "data: " + """
                {"id":"chatcmpl-4","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test",\
                "choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":%s}}]},\
                "finish_reason":null}]}""".formatted(quote(arguments.substring(half))) + "\n\n"
                + "data: " + """
                {"id":"chatcmpl-4","object":"chat.completion.chunk","created":1764000000,"model":"gpt-test",\
                "choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""" + "\n\n"
                + "data: [DONE]\n\n";
    }

    /** Answers requests whose body contains {@code marker} (and, when given, {@code alsoContaining}). */
    public static void when(WireMockServer llm, int priority, String marker, String alsoContaining, String json) {
        var request =
                post(urlEqualTo("/v1/chat/completions")).atPriority(priority).withRequestBody(containing(marker));
        if (alsoContaining != null) {
            request = request.withRequestBody(containing(alsoContaining));
        }
        llm.stubFor(request.willReturn(aResponse()
                .withStatus(200)
                .withHeader("Content-Type", json.startsWith("data:") ? "text/event-stream" : "application/json")
                .withBody(json)));
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
