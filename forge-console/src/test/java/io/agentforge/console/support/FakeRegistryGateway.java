package io.agentforge.console.support;

import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.RegistryException;
import io.agentforge.client.ServiceQuery;
import io.agentforge.console.registry.RegistryGateway;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

/** A registry the test fills; it can also be made unreachable. */
public final class FakeRegistryGateway implements RegistryGateway {

    private final List<Instance> instances = new CopyOnWriteArrayList<>();
    private final List<ServiceQuery> queries = new CopyOnWriteArrayList<>();
    private volatile RegistryException failure;

    public FakeRegistryGateway add(Instance instance) {
        instances.add(instance);
        return this;
    }

    public void clear() {
        instances.clear();
        queries.clear();
        failure = null;
    }

    public void failWith(RegistryException exception) {
        failure = exception;
    }

    public List<ServiceQuery> queries() {
        return List.copyOf(queries);
    }

    @Override
    public List<RegisteredService> services(ServiceQuery query) {
        queries.add(query);
        if (failure != null) {
            throw failure;
        }
        Map<String, List<Instance>> byName = new java.util.LinkedHashMap<>();
        for (Instance instance : instances) {
            if (query.kind() != null && instance.kind() != query.kind()) {
                continue;
            }
            if (query.status() != null && instance.status() != query.status()) {
                continue;
            }
            byName.computeIfAbsent(instance.name(), n -> new ArrayList<>()).add(instance);
        }
        return byName.values().stream()
                .map(list -> new RegisteredService(
                        list.getFirst().name(), list.getFirst().kind(), list))
                .toList();
    }

    @Override
    public RegistryStatus status() {
        if (failure != null) {
            throw failure;
        }
        Map<ServiceKind, Map<InstanceStatus, Long>> counts = new EnumMap<>(ServiceKind.class);
        for (Instance instance : instances) {
            counts.computeIfAbsent(instance.kind(), k -> new EnumMap<>(InstanceStatus.class))
                    .merge(instance.status(), 1L, Long::sum);
        }
        return new RegistryStatus("memory", null, null, instances.size(), counts, -1, null);
    }

    @Override
    public FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener) {
        if (failure != null) {
            throw failure;
        }
        return new FeedSubscription() {
            private volatile boolean open = true;

            @Override
            public boolean isOpen() {
                return open;
            }

            @Override
            public long lastEventId() {
                return -1;
            }

            @Override
            public void close() {
                if (open) {
                    open = false;
                    listener.onClosed(null);
                }
            }
        };
    }
}
