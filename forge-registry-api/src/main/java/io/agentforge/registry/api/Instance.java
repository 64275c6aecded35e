package io.agentforge.registry.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A registered instance as the registry sees it: its registration, health status and lease. */
public record Instance(
        String instanceId,
        String name,
        ServiceKind kind,
        ServiceProtocol protocol,
        @Nullable String version,
        @Nullable String description,
        String endpoint,
        List<String> capabilities,
        Map<String, String> metadata,
        List<FunctionDescriptor> functions,
        @Nullable HealthCheck healthCheck,
        InstanceStatus status,
        Duration leaseDuration,
        Instant registeredAt,
        Instant lastRenewal,
        Instant expiresAt) {

    /** An instance speaking the default protocol, {@link ServiceProtocol#FORGE}. */
    public Instance(
            String instanceId,
            String name,
            ServiceKind kind,
            @Nullable String version,
            @Nullable String description,
            String endpoint,
            @Nullable List<String> capabilities,
            @Nullable Map<String, String> metadata,
            @Nullable List<FunctionDescriptor> functions,
            @Nullable HealthCheck healthCheck,
            InstanceStatus status,
            Duration leaseDuration,
            Instant registeredAt,
            Instant lastRenewal,
            Instant expiresAt) {
        this(
                instanceId,
                name,
                kind,
                null,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                functions,
                healthCheck,
                status,
                leaseDuration,
                registeredAt,
                lastRenewal,
                expiresAt);
    }

    /** Absent {@code capabilities}, {@code metadata} or {@code functions}: none; absent {@code protocol}: forge. */
    public Instance(
            String instanceId,
            String name,
            ServiceKind kind,
            @Nullable ServiceProtocol protocol,
            @Nullable String version,
            @Nullable String description,
            String endpoint,
            @Nullable List<String> capabilities,
            @Nullable Map<String, String> metadata,
            @Nullable List<FunctionDescriptor> functions,
            @Nullable HealthCheck healthCheck,
            InstanceStatus status,
            Duration leaseDuration,
            Instant registeredAt,
            Instant lastRenewal,
            Instant expiresAt) {
        capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
        metadata = metadata == null ? Map.of() : metadata;
        functions = functions == null ? List.of() : List.copyOf(functions);
        protocol = protocol == null ? ServiceProtocol.FORGE : protocol;
        this.instanceId = instanceId;
        this.name = name;
        this.kind = kind;
        this.protocol = protocol;
        this.version = version;
        this.description = description;
        this.endpoint = endpoint;
        this.capabilities = capabilities;
        this.metadata = metadata;
        this.functions = functions;
        this.healthCheck = healthCheck;
        this.status = status;
        this.leaseDuration = leaseDuration;
        this.registeredAt = registeredAt;
        this.lastRenewal = lastRenewal;
        this.expiresAt = expiresAt;
    }

    /** Combines a registration with its registry-side state. */
    public static Instance of(
            ServiceRegistration registration,
            InstanceStatus status,
            Instant registeredAt,
            Instant lastRenewal,
            Instant expiresAt) {
        return new Instance(
                registration.instanceId(),
                registration.name(),
                registration.kind(),
                registration.protocol(),
                registration.version(),
                registration.description(),
                registration.endpoint(),
                registration.capabilities(),
                registration.metadata(),
                registration.functions(),
                registration.healthCheck(),
                status,
                registration.leaseDuration(),
                registeredAt,
                lastRenewal,
                expiresAt);
    }

    /** The registration this instance was created from. */
    public ServiceRegistration registration() {
        return new ServiceRegistration(
                instanceId,
                name,
                kind,
                protocol,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                functions,
                healthCheck,
                leaseDuration);
    }

    /** The same instance with other lease times (renewals change nothing else). */
    public Instance withLease(Instant renewedAt, Instant newExpiry) {
        return new Instance(
                instanceId,
                name,
                kind,
                protocol,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                functions,
                healthCheck,
                status,
                leaseDuration,
                registeredAt,
                renewedAt,
                newExpiry);
    }

    /** The same instance with another health status. */
    public Instance withStatus(InstanceStatus newStatus) {
        return new Instance(
                instanceId,
                name,
                kind,
                protocol,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                functions,
                healthCheck,
                newStatus,
                leaseDuration,
                registeredAt,
                lastRenewal,
                expiresAt);
    }
}
