package io.agentforge.console.browser;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Registrations;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.testsupport.ToolStub;
import io.agentforge.testsupport.ToolStub.Answer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tool offering {@code text_repeat}: repeats a text, refuses "fail" with a problem detail. */
final class StubTool {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private StubTool() {}

    static ToolStub start() {
        return ToolStub.calling((function, body, authorization) -> {
            JsonNode arguments = MAPPER.readTree(body);
            String text = arguments.path("text").asString("");
            if (text.equals("fail")) {
                return new Answer(
                        400,
                        "application/problem+json",
                        "{\"type\":\"urn:agentforge:problem:invalid-argument\","
                                + "\"title\":\"Invalid argument\",\"status\":400,\"detail\":\"text must not be 'fail'\"}");
            }
            int times = arguments.path("times").asInt(1);
            String separator = arguments.path("separator").asString("space").equals("comma") ? "," : " ";
            String result = String.join(separator, Collections.nCopies(times, text));
            return Answer.json(MAPPER.writeValueAsString(Map.of("result", result)));
        });
    }

    static ServiceRegistration registration(String instanceId, String endpoint) {
        return Registrations.tool("text-tool")
                .instanceId(instanceId)
                .version("2.1.0")
                .description("Plays with text")
                .endpoint(endpoint)
                .capabilities("text")
                .function(new FunctionDescriptor(
                        "text_repeat",
                        "Repeats a text a number of times",
                        Map.of(
                                "type",
                                "object",
                                "properties",
                                Map.of(
                                        "text", Map.of("type", "string", "description", "What to repeat"),
                                        "times", Map.of("type", "integer", "minimum", 1, "maximum", 10, "default", 2),
                                        "separator", Map.of("type", "string", "enum", List.of("space", "comma"))),
                                "required",
                                List.of("text")),
                        null))
                .healthCheck("/actuator/health", Duration.ofSeconds(5))
                .leaseDuration(Duration.ofHours(1))
                .build();
    }
}
