package io.agentforge.console.support;

import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Instances as the registry would answer them. */
public final class Instances {

    private Instances() {}

    public static Instance agent(String id, String name, String endpoint, Instant renewedAt) {
        return new Instance(
                id,
                name,
                ServiceKind.AGENT,
                "1.2.0",
                "An agent",
                endpoint,
                List.of(),
                Map.of(),
                List.of(),
                new HealthCheck(null, null),
                InstanceStatus.UP,
                Duration.ofSeconds(30),
                renewedAt,
                renewedAt,
                renewedAt.plusSeconds(30));
    }

    public static Instance tool(
            String id, String name, String endpoint, InstanceStatus status, Instant renewedAt, String... functions) {
        List<FunctionDescriptor> descriptors = java.util.Arrays.stream(functions)
                .map(f -> new FunctionDescriptor(f, "Does " + f, null, null))
                .toList();
        return new Instance(
                id,
                name,
                ServiceKind.TOOL,
                "0.9.1",
                "A tool named " + name,
                endpoint,
                List.of("math"),
                Map.of(),
                descriptors,
                new HealthCheck(null, null),
                status,
                Duration.ofSeconds(30),
                renewedAt,
                renewedAt,
                renewedAt.plusSeconds(30));
    }
}
