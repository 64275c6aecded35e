package io.agentforge.registry.support;

import io.agentforge.registry.api.ServiceRegistration;
import java.time.Duration;
import java.util.Map;

/**
 * The registry tests' registrations, made with forge-registry-api's shared builder; endpoints in TEST-NET-1
 * (192.0.2.0/24), which the default endpoint policy accepts.
 */
public final class Registrations {

    private Registrations() {}

    public static ServiceRegistration tool(String instanceId, String service, String... functions) {
        var tool = io.agentforge.registry.api.Registrations.tool(service)
                .instanceId(instanceId)
                .description("A test tool")
                .capabilities("math")
                .metadata("zone", "a");
        for (String function : functions) {
            tool.function(io.agentforge.registry.api.Registrations.function(
                    function, "Does " + function, Map.of("x", Map.of("type", "number"))));
        }
        return tool.build();
    }

    public static ServiceRegistration agent(String instanceId, String service) {
        return io.agentforge.registry.api.Registrations.agent(service)
                .instanceId(instanceId)
                .description("A test agent")
                .capabilities("chat")
                .build();
    }

    public static ServiceRegistration probed(String instanceId, String service, String endpoint) {
        return io.agentforge.registry.api.Registrations.tool(service)
                .instanceId(instanceId)
                .endpoint(endpoint)
                .healthCheck("/health", Duration.ofSeconds(10))
                .build();
    }
}
