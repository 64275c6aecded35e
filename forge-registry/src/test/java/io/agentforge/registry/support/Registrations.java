package io.agentforge.registry.support;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Registrations for tests; endpoints in TEST-NET-1 (192.0.2.0/24), which the default endpoint policy accepts. */
public final class Registrations {

    private Registrations() {}

    public static ServiceRegistration tool(String instanceId, String service, String... functions) {
        return new ServiceRegistration(
                instanceId,
                service,
                ServiceKind.TOOL,
                "1.0.0",
                "A test tool",
                "http://192.0.2.1:9",
                List.of("math"),
                Map.of("zone", "a"),
                Arrays.stream(functions)
                        .map(f -> new FunctionDescriptor(
                                f,
                                "Does " + f,
                                Map.of("type", "object", "properties", Map.of("x", Map.of("type", "number"))),
                                null))
                        .toList(),
                null,
                Duration.ofSeconds(30));
    }

    public static ServiceRegistration agent(String instanceId, String service) {
        return new ServiceRegistration(
                instanceId,
                service,
                ServiceKind.AGENT,
                "1.0.0",
                "A test agent",
                "http://192.0.2.1:9",
                List.of("chat"),
                Map.of(),
                List.of(),
                null,
                Duration.ofSeconds(30));
    }

    public static ServiceRegistration probed(String instanceId, String service, String endpoint) {
        return new ServiceRegistration(
                instanceId,
                service,
                ServiceKind.TOOL,
                "1.0.0",
                null,
                endpoint,
                List.of(),
                Map.of(),
                List.of(),
                new HealthCheck("/health", Duration.ofSeconds(10)),
                Duration.ofSeconds(30));
    }
}
