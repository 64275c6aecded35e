package io.agentforge.console.browser;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tool offering {@code text_repeat}: repeats a text, refuses "fail" with a problem detail. */
final class StubTool extends StubServer {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    StubTool() {
        server.createContext("/forge/functions/text_repeat", exchange -> {
            JsonNode arguments = MAPPER.readTree(body(exchange));
            String text = arguments.path("text").asString("");
            if (text.equals("fail")) {
                respond(
                        exchange,
                        400,
                        "application/problem+json",
                        "{\"type\":\"urn:agentforge:problem:invalid-argument\","
                                + "\"title\":\"Invalid argument\",\"status\":400,\"detail\":\"text must not be 'fail'\"}");
                return;
            }
            int times = arguments.path("times").asInt(1);
            String separator = arguments.path("separator").asString("space").equals("comma") ? "," : " ";
            String result = String.join(separator, java.util.Collections.nCopies(times, text));
            respond(exchange, 200, "application/json", MAPPER.writeValueAsString(Map.of("result", result)));
        });
    }

    ServiceRegistration registration(String instanceId) {
        return new ServiceRegistration(
                instanceId,
                "text-tool",
                ServiceKind.TOOL,
                "2.1.0",
                "Plays with text",
                endpoint(),
                List.of("text"),
                Map.of(),
                List.of(new FunctionDescriptor(
                        "text_repeat",
                        "Repeats a text a number of times",
                        Map.of(
                                "type", "object",
                                "properties",
                                        Map.of(
                                                "text", Map.of("type", "string", "description", "What to repeat"),
                                                "times",
                                                        Map.of(
                                                                "type", "integer", "minimum", 1, "maximum", 10,
                                                                "default", 2),
                                                "separator",
                                                        Map.of("type", "string", "enum", List.of("space", "comma"))),
                                "required", List.of("text")),
                        null)),
                new HealthCheck("/actuator/health", Duration.ofSeconds(5)),
                Duration.ofHours(1));
    }
}
