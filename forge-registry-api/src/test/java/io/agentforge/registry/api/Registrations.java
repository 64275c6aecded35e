package io.agentforge.registry.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link ServiceRegistration}s tests send, with plain defaults: version {@code 1.0.0}, a TEST-NET
 * endpoint nobody answers on ({@code http://192.0.2.1:9}), no health check, a 30 s lease. Other modules' tests get it
 * from forge-registry-api's test jar; it cannot live in forge-test-support, which must not depend on this module.
 *
 * <pre>{@code
 * Registrations.tool("calculator").instanceId("calc-1").endpoint(stub.endpoint()).functions("calculator_add").build()
 * }</pre>
 */
public final class Registrations {

    /** An endpoint in TEST-NET-1: refused by nobody's policy, reached by no one. */
    public static final String UNREACHABLE_ENDPOINT = "http://192.0.2.1:9";

    private final String name;
    private final ServiceKind kind;
    private String instanceId;
    private String version = "1.0.0";
    private String description;
    private String endpoint = UNREACHABLE_ENDPOINT;
    private List<String> capabilities = List.of();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<FunctionDescriptor> functions = new ArrayList<>();
    private HealthCheck healthCheck;
    private Duration leaseDuration = Duration.ofSeconds(30);

    private Registrations(String name, ServiceKind kind) {
        this.name = name;
        this.kind = kind;
    }

    public static Registrations tool(String name) {
        return new Registrations(name, ServiceKind.TOOL);
    }

    public static Registrations agent(String name) {
        return new Registrations(name, ServiceKind.AGENT);
    }

    /**
     * A tool instance in one line: functions described as {@code "Does <name>"}, capability {@code test}.
     *
     * @param healthCheck null: the registry judges it by its lease alone
     */
    public static ServiceRegistration tool(
            String service, String instanceId, String endpoint, HealthCheck healthCheck, String... functions) {
        Registrations tool = tool(service)
                .instanceId(instanceId)
                .endpoint(endpoint)
                .capabilities("test")
                .functions(functions);
        tool.healthCheck = healthCheck;
        return tool.build();
    }

    /** A tool instance in one line, without a health check. */
    public static ServiceRegistration tool(String service, String instanceId, String endpoint, String... functions) {
        return tool(service, instanceId, endpoint, null, functions);
    }

    /** Probes of {@code /actuator/health} every second. */
    public static HealthCheck probedEverySecond() {
        return new HealthCheck("/actuator/health", Duration.ofSeconds(1));
    }

    /**
     * A function taking an object, described as {@code description}; its input schema has the given properties
     * (none: {@code {"type":"object","properties":{}}}).
     */
    public static FunctionDescriptor function(String name, String description, Map<String, Object> properties) {
        return new FunctionDescriptor(name, description, Map.of("type", "object", "properties", properties), null);
    }

    public Registrations instanceId(String instanceId) {
        this.instanceId = instanceId;
        return this;
    }

    public Registrations version(String version) {
        this.version = version;
        return this;
    }

    public Registrations description(String description) {
        this.description = description;
        return this;
    }

    public Registrations endpoint(String endpoint) {
        this.endpoint = endpoint;
        return this;
    }

    public Registrations capabilities(String... capabilities) {
        this.capabilities = List.of(capabilities);
        return this;
    }

    public Registrations metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Functions named so, each described as {@code "Does <name>"} with an object schema without properties. */
    public Registrations functions(String... names) {
        Arrays.stream(names).forEach(n -> functions.add(function(n, "Does " + n, Map.of())));
        return this;
    }

    public Registrations function(FunctionDescriptor function) {
        functions.add(function);
        return this;
    }

    public Registrations healthCheck(String path, Duration interval) {
        this.healthCheck = new HealthCheck(path, interval);
        return this;
    }

    /** {@code null}: the registry's default lease. */
    public Registrations leaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
        return this;
    }

    public ServiceRegistration build() {
        return new ServiceRegistration(
                instanceId,
                name,
                kind,
                version,
                description,
                endpoint,
                capabilities,
                Map.copyOf(metadata),
                List.copyOf(functions),
                healthCheck,
                leaseDuration);
    }
}
