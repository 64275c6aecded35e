package io.agentforge.console.chat;

import io.agentforge.client.ServiceQuery;
import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.console.registry.RegistryGateway;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The agents offered in the picker: a fixed URL when configured, else every UP agent instance in the registry.
 *
 * <p>Only instances registered with {@code kind: AGENT} are offered, and the registry accepts {@code kind: AGENT}
 * only from a key whose scope contains {@code AGENT} ({@code "kinds":["AGENT"]}); a tool's key can't register one.
 * So the registry query by kind is the check that the console talks only to agents an administrator allowed to be
 * agents — there is no second check here, and none must be added that trusts anything else (an instance's metadata
 * or name is whatever its registrant wrote).
 */
@Component
public class AgentDirectory {

    private final RegistryGateway registry;
    private final AgentTarget configured;

    public AgentDirectory(RegistryGateway registry, ConsoleProperties properties) {
        this.registry = registry;
        String url = properties.console().agentUrl();
        this.configured = url == null
                ? null
                : new AgentTarget(
                        AgentTarget.CONFIGURED,
                        properties.console().agentService(),
                        "Agent at " + url,
                        "",
                        URI.create(url));
    }

    /** Whether the operator fixed the agent ({@code agent-url}): then there is nothing to pick. */
    public boolean fixed() {
        return configured != null;
    }

    /**
     * The agents to pick from, best first.
     *
     * @throws io.agentforge.client.RegistryException when the registry can't say
     */
    public List<AgentTarget> agents() {
        if (configured != null) {
            return List.of(configured);
        }
        List<RegisteredService> services =
                registry.services(ServiceQuery.all().withKind(ServiceKind.AGENT).withStatus(InstanceStatus.UP));
        return services.stream()
                .filter(service -> service.kind() == ServiceKind.AGENT)
                .sorted(Comparator.comparing(RegisteredService::name))
                .flatMap(service -> service.instances().stream()
                        .filter(instance -> instance.status() == InstanceStatus.UP)
                        .sorted(Comparator.comparing(Instance::instanceId))
                        .map(instance -> target(service, instance)))
                .toList();
    }

    /**
     * The agent to talk to among {@code agents}: the configured one, else the one the person picked (or, when that
     * instance is gone, another UP instance of the same service); empty when nothing was picked or it is gone.
     */
    Optional<AgentTarget> chosen(List<AgentTarget> agents, AgentTarget.Pick pick) {
        if (configured != null) {
            return Optional.of(configured);
        }
        if (pick == null) {
            return Optional.empty();
        }
        return agents.stream()
                .filter(agent -> agent.id().equals(pick.id()))
                .findFirst()
                .or(() -> agents.stream()
                        .filter(agent -> agent.service() != null && Objects.equals(agent.service(), pick.service()))
                        .findFirst());
    }

    /** The agent with {@code id} among {@code agents}, for the picker's form. */
    static Optional<AgentTarget> byId(List<AgentTarget> agents, String id) {
        return id == null
                ? Optional.empty()
                : agents.stream().filter(agent -> agent.id().equals(id)).findFirst();
    }

    private static AgentTarget target(RegisteredService service, Instance instance) {
        String label = service.instances().size() > 1 ? service.name() + " · " + instance.instanceId() : service.name();
        return new AgentTarget(
                instance.instanceId(),
                service.name(),
                label,
                instance.version() == null ? "" : instance.version(),
                URI.create(instance.endpoint()));
    }
}
