package io.agentforge.registry.api;

import java.util.List;

/** A service and those of its instances that matched a discovery query. */
public record RegisteredService(String name, ServiceKind kind, List<Instance> instances) {

    public RegisteredService {
        instances = List.copyOf(instances);
    }
}
