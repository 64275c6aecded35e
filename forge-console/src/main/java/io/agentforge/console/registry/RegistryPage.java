package io.agentforge.console.registry;

import static io.agentforge.console.RelativeTime.ago;
import static io.agentforge.console.RelativeTime.until;

import io.agentforge.registry.api.ForgeDurations;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** What the Registry page shows: services with their instances, as of one moment. */
public record RegistryPage(List<ServiceView> services, long instances, long up, long down, long tools, long agents) {

    static RegistryPage of(List<RegisteredService> services, Instant now) {
        List<ServiceView> views = services.stream()
                .sorted(Comparator.comparing((RegisteredService s) -> s.kind() == ServiceKind.AGENT ? 0 : 1)
                        .thenComparing(RegisteredService::name))
                .map(service -> ServiceView.of(service, now))
                .toList();
        long instances = views.stream().mapToLong(v -> v.instances().size()).sum();
        long up = views.stream()
                .flatMap(v -> v.instances().stream())
                .filter(i -> i.status() == InstanceStatus.UP)
                .count();
        long tools = views.stream().filter(v -> v.kind() == ServiceKind.TOOL).count();
        long agents = views.stream().filter(v -> v.kind() == ServiceKind.AGENT).count();
        return new RegistryPage(views, instances, up, instances - up, tools, agents);
    }

    /** One service and its instances. */
    public record ServiceView(
            String name, ServiceKind kind, String description, long up, List<InstanceView> instances) {

        static ServiceView of(RegisteredService service, Instant now) {
            List<InstanceView> instances = service.instances().stream()
                    .sorted(Comparator.comparing(Instance::instanceId))
                    .map(instance -> InstanceView.of(instance, now))
                    .toList();
            String description = service.instances().stream()
                    .map(Instance::description)
                    .filter(d -> d != null && !d.isBlank())
                    .findFirst()
                    .orElse("");
            long up = instances.stream()
                    .filter(i -> i.status() == InstanceStatus.UP)
                    .count();
            return new ServiceView(service.name(), service.kind(), description, up, instances);
        }

        public String health() {
            if (instances.isEmpty() || up == 0) {
                return "down";
            }
            return up == instances.size() ? "up" : "degraded";
        }
    }

    /** One instance, its times already phrased relative to now. */
    public record InstanceView(
            String instanceId,
            InstanceStatus status,
            String endpoint,
            String version,
            Instant lastRenewal,
            String lastHeartbeat,
            Instant expiresAt,
            String leaseExpiry,
            String leaseDuration,
            List<String> functions,
            List<String> capabilities) {

        static InstanceView of(Instance instance, Instant now) {
            return new InstanceView(
                    instance.instanceId(),
                    instance.status(),
                    instance.endpoint(),
                    instance.version() == null || instance.version().isBlank() ? "–" : instance.version(),
                    instance.lastRenewal(),
                    ago(instance.lastRenewal(), now),
                    instance.expiresAt(),
                    until(instance.expiresAt(), now),
                    instance.leaseDuration() == null ? "" : ForgeDurations.format(instance.leaseDuration()),
                    instance.functions().stream().map(f -> f.name()).toList(),
                    instance.capabilities());
        }

        public String statusClass() {
            return status == null ? "unknown" : status.name().toLowerCase(Locale.ROOT);
        }
    }
}
