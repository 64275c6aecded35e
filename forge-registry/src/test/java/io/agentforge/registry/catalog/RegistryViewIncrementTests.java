package io.agentforge.registry.catalog;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.instance.Registrant;
import io.agentforge.registry.support.Registrations;
import io.agentforge.registry.support.UnreachableDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A snapshot advanced by change-feed events equals the one built from all instances. */
class RegistryViewIncrementTests {

    private final InMemoryInstanceStore memory = new InMemoryInstanceStore(10_000);
    private final AtomicInteger fullReads = new AtomicInteger();
    private final InstanceStore store = countingAll(memory, fullReads);
    private final RegistryView view = new RegistryView(store, ForgeJacksonModule.mapper(), new SimpleMeterRegistry());
    private Instant now = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void everyKindOfChangeIsAppliedAsAFullBuildWouldShowIt() {
        register(tool("a-1", "alpha", "alpha_add"));
        register(tool("a-2", "alpha", "alpha_add"));
        register(Registrations.agent("g-1", "helper"));
        view.current();
        int reads = fullReads.get();

        register(tool("b-1", "bravo", "bravo_mul"));
        assertSameAsFullBuild();
        memory.changeStatus("a-1", InstanceStatus.DOWN, now);
        assertSameAsFullBuild();
        // Re-registered under another service: the event names only the new one.
        register(tool("a-2", "bravo", "bravo_mul"));
        assertSameAsFullBuild();
        memory.deregister("b-1", now);
        assertSameAsFullBuild();
        now = now.plus(Duration.ofMinutes(5));
        memory.expire(List.of("a-1"), now, now);
        assertSameAsFullBuild();
        register(tool("c-1", "charlie", "charlie_div", "charlie_mod"));
        memory.changeStatus("c-1", InstanceStatus.DOWN, now);
        memory.changeStatus("c-1", InstanceStatus.UP, now);
        assertSameAsFullBuild();

        assertThat(fullReads.get())
                .as("advanced, never rebuilt from all instances")
                .isEqualTo(reads);
        assertThat(view.current().increments()).isPositive();
    }

    @Test
    void randomChangesKeepTheAdvancedSnapshotEqualToAFullBuild() {
        Random random = new Random(42);
        List<String> ids = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            now = now.plusMillis(10);
            int action = random.nextInt(10);
            String service = "svc-" + random.nextInt(6);
            if (action < 4 || ids.isEmpty()) {
                String id = "i-" + random.nextInt(40);
                // A service's functions are its own: no other service may declare them.
                String function = service.replace('-', '_') + "_f" + random.nextInt(3);
                register(
                        random.nextBoolean()
                                ? tool(id, service, function)
                                : io.agentforge.registry.api.Registrations.tool(service)
                                        .instanceId(id)
                                        .capabilities("cap-" + random.nextInt(3))
                                        .function(io.agentforge.registry.api.Registrations.function(
                                                function, "Does " + function, Map.of()))
                                        .build());
                if (!ids.contains(id)) {
                    ids.add(id);
                }
            } else if (action < 7) {
                String id = ids.get(random.nextInt(ids.size()));
                memory.changeStatus(id, random.nextBoolean() ? InstanceStatus.UP : InstanceStatus.DOWN, now);
            } else {
                String id = ids.remove(random.nextInt(ids.size()));
                memory.deregister(id, now);
            }
            if (random.nextInt(4) == 0) {
                assertSameAsFullBuild();
            }
        }
        assertSameAsFullBuild();
    }

    @Test
    void theToolsChangedSinceAnEventAreKnownAcrossFullBuilds() {
        register(tool("e-1", "echo", "echo_fn"));
        register(Registrations.agent("h-1", "helper"));
        long start = view.current().version();

        register(tool("f-1", "foxtrot", "foxtrot_fn"));
        long afterFoxtrot = view.current().version();
        register(Registrations.agent("h-2", "helper"));
        // Moved from a tool to an agent service: the tool it left changes too.
        register(Registrations.agent("e-1", "helper"));
        assertThat(view.current().toolsChangedSince(start)).hasValue(Set.of("foxtrot", "echo"));
        assertThat(view.current().toolsChangedSince(afterFoxtrot)).hasValue(Set.of("echo"));
        assertThat(view.current().toolsChangedSince(view.current().version())).hasValue(Set.of());
        assertThat(view.current().toolsChangedSince(view.current().version() + 1))
                .isEmpty();

        for (int i = 0; i < 600; i++) {
            register(tool("g-" + i, "golf", "golf_fn"));
        }
        RegistryView.Snapshot rebuilt = view.current();
        assertThat(rebuilt.increments()).as("a full build").isZero();
        assertThat(rebuilt.toolsChangedSince(start)).hasValue(Set.of("foxtrot", "echo", "golf"));
        assertThat(rebuilt.toolsChangedSince(start - 1))
                .as("before its history")
                .isEmpty();
    }

    @Test
    void tooManyChangesAtOnceAreReadFromAllInstances() {
        register(tool("d-1", "delta", "delta_fn"));
        view.current();
        int reads = fullReads.get();

        for (int i = 0; i < 600; i++) {
            register(tool("d-" + (i + 2), "delta", "delta_fn"));
        }

        assertThat(view.current().services().get("delta")).hasSize(601);
        assertThat(fullReads.get()).isEqualTo(reads + 1);
        assertThat(view.current().increments()).isZero();
    }

    private void register(ServiceRegistration registration) {
        memory.register(registration, Registrant.key("key"), now);
    }

    private void assertSameAsFullBuild() {
        RegistryView.Snapshot advanced = view.current();
        RegistryView.Snapshot full =
                new RegistryView(memory, ForgeJacksonModule.mapper(), new SimpleMeterRegistry()).current();
        assertThat(advanced.version()).isEqualTo(full.version());
        assertThat(membership(advanced)).isEqualTo(membership(full));
        assertThat(advanced.byCapability()).isEqualTo(full.byCapability());
        for (ServiceKind kind : ServiceKind.values()) {
            for (InstanceStatus status : InstanceStatus.values()) {
                assertThat(advanced.count(kind, status)).as(kind + " " + status).isEqualTo(full.count(kind, status));
            }
        }
        assertThat(advanced.catalog()).isEqualTo(full.catalog());
        assertThat(advanced.catalogEtag()).isEqualTo(full.catalogEtag());
    }

    // Lease times aside (the snapshot's are as of the last change, overlaid from the store when answered).
    private static Map<String, List<String>> membership(RegistryView.Snapshot snapshot) {
        Map<String, List<String>> result = new TreeMap<>();
        snapshot.services()
                .forEach((name, instances) -> result.put(
                        name,
                        instances.stream()
                                .map(i -> i.instanceId() + "/" + i.kind() + "/" + i.status() + "/" + i.registeredAt()
                                        + "/" + functionNames(i))
                                .toList()));
        return result;
    }

    private static List<String> functionNames(Instance instance) {
        return instance.functions().stream().map(f -> f.name()).toList();
    }

    private static InstanceStore countingAll(InMemoryInstanceStore memory, AtomicInteger reads) {
        return UnreachableDatabase.failing(memory, () -> false, Set.of("all"), reads::incrementAndGet);
    }
}
