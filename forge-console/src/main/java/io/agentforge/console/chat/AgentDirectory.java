package io.agentforge.console.chat;

import io.agentforge.client.ServiceQuery;
import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.console.registry.RegistryGateway;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The agents offered in the picker: a fixed URL when configured, else every UP agent instance in the registry. */
@Component
public class AgentDirectory {

    private final RegistryGateway registry;
    private final AgentTarget configured;

    public AgentDirectory(RegistryGateway registry, ConsoleProperties properties) {
        this.registry = registry;
        String url = properties.console().agentUrl();
        this.configured = url == null ? null : new AgentTarget(AgentTarget.CONFIGURED, "Agent at " + url, "",
                URI.create(url));
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
        List<RegisteredService> services = registry.services(ServiceQuery.all().withKind(ServiceKind.AGENT)
                .withStatus(InstanceStatus.UP));
        return services.stream()
                .sorted(Comparator.comparing(RegisteredService::name))
                .flatMap(service -> service.instances().stream()
                        .filter(instance -> instance.status() == InstanceStatus.UP)
                        .sorted(Comparator.comparing(Instance::instanceId))
                        .map(instance -> target(service, instance)))
                .toList();
    }

    /** The agent the browser picked, looked up again so a stale or forged id finds nothing. */
    public Optional<AgentTarget> find(String id) {
        return find(agents(), id);
    }

    /** The agent with {@code id} among {@code agents}; the first one when no id is given. */
    static Optional<AgentTarget> find(List<AgentTarget> agents, String id) {
        if (id == null || id.isBlank()) {
            return agents.stream().findFirst();
        }
        return agents.stream().filter(agent -> agent.id().equals(id)).findFirst();
    }

    private static AgentTarget target(RegisteredService service, Instance instance) {
        String label = service.instances().size() > 1 ? service.name() + " · " + instance.instanceId()
                : service.name();
        return new AgentTarget(instance.instanceId(), label, instance.version() == null ? "" : instance.version(),
                URI.create(instance.endpoint()));
    }
}
