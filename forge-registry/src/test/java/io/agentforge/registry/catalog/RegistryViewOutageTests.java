package io.agentforge.registry.catalog;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.InstanceStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** Discovery while the store can't be reached answers from the last snapshot, kept current by the refresh tick. */
class RegistryViewOutageTests {

    private final InMemoryInstanceStore memory = new InMemoryInstanceStore(1000);
    private volatile boolean databaseDown;

    // The in-memory store, except that reading every instance or lease fails as a lost database connection does.
    private final InstanceStore store = (InstanceStore) Proxy.newProxyInstance(
            InstanceStore.class.getClassLoader(), new Class<?>[] {InstanceStore.class}, (proxy, method, args) -> {
                if (databaseDown && Set.of("all", "leases").contains(method.getName())) {
                    throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
                }
                try {
                    return method.invoke(memory, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });

    private final RegistryView view = new RegistryView(store, ForgeJacksonModule.mapper(), new SimpleMeterRegistry());

    @Test
    void anInstanceRegisteredJustBeforeAnOutageIsStillDiscoveredDuringIt() {
        assertThat(view.services(null, null, null, null)).isEmpty();
        memory.register(tool("papa-1", "papa"), "key", Instant.now());

        // The refresh tick, not a read, brings the snapshot up to date before the database goes away.
        view.keepCurrent();
        databaseDown = true;

        assertThat(view.services("papa", null, null, null))
                .singleElement()
                .extracting(RegisteredService::instances)
                .satisfies(instances -> assertThat(instances).hasSize(1));
    }
}
