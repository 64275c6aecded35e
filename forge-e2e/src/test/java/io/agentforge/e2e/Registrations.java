package io.agentforge.e2e;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Registrations the tests send. */
final class Registrations {

    private Registrations() {}

    static ServiceRegistration tool(String service, String instanceId, String endpoint, String... functions) {
        return tool(service, instanceId, endpoint, null, functions);
    }

    /** A tool with a 30 s lease; the registry probes its health only when {@code health} is given. */
    static ServiceRegistration tool(
            String service, String instanceId, String endpoint, HealthCheck health, String... functions) {
        List<FunctionDescriptor> descriptors = Arrays.stream(functions)
                .map(name -> new FunctionDescriptor(
                        name, "Test function " + name, Map.of("type", "object", "properties", Map.of()), null))
                .toList();
        return new ServiceRegistration(
                instanceId,
                service,
                ServiceKind.TOOL,
                "1.0.0",
                "Test tool " + service,
                endpoint,
                List.of("test"),
                Map.of("zone", "e2e"),
                descriptors,
                health,
                Duration.ofSeconds(30));
    }

    static HealthCheck probedEverySecond() {
        return new HealthCheck("/actuator/health", Duration.ofSeconds(1));
    }
}
