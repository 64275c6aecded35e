package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A service and those of its instances that matched a discovery query. For an agent, also what the registry knows of
 * its A2A agent card (all four card fields are absent for tools, and for agents the registry has not tried yet).
 *
 * @param agentCardUrl       where the registry reads the agent's card: {@code <endpoint>/.well-known/agent-card.json}
 *                           of its newest UP instance
 * @param agentCard          the card as the agent served it (a JSON object with at least a {@code name}); null when no
 *                           valid card has been read from {@code agentCardUrl}
 * @param agentCardError     why the latest read of the card failed or was refused; null after a good read
 * @param agentCardFetchedAt when the card was last read (successfully or not)
 */
public record RegisteredService(
        String name,
        ServiceKind kind,
        List<Instance> instances,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String agentCardUrl,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Map<String, @Nullable Object> agentCard,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String agentCardError,
        @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Instant agentCardFetchedAt) {

    public RegisteredService {
        instances = List.copyOf(instances);
        agentCard = agentCard == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(agentCard));
    }

    /** A service without agent-card information (tools, and agents whose card has not been read yet). */
    public RegisteredService(String name, ServiceKind kind, List<Instance> instances) {
        this(name, kind, instances, null, null, null, null);
    }

    /** The same service holding other instances (its card information unchanged). */
    public RegisteredService withInstances(List<Instance> otherInstances) {
        return new RegisteredService(
                name, kind, otherInstances, agentCardUrl, agentCard, agentCardError, agentCardFetchedAt);
    }
}
