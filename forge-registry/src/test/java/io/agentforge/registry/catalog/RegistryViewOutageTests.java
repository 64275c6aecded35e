package io.agentforge.registry.catalog;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.support.UnreachableDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Discovery while the store can't be reached answers from the last snapshot, kept current by the refresh tick. */
class RegistryViewOutageTests {

    private final InMemoryInstanceStore memory = new InMemoryInstanceStore(1000);
    private volatile boolean databaseDown;
    private final AtomicInteger databaseReads = new AtomicInteger();

    // The in-memory store, except that reading every instance, lease or event fails as a lost database connection does.
    private final InstanceStore store = UnreachableDatabase.failing(
            memory,
            () -> databaseDown,
            Set.of("all", "leases", "eventsAfter", "oldestEventId"),
            databaseReads::incrementAndGet);

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

    @Test
    void readsDuringAnOutageNeverWaitOnTheDatabaseAgainAndTheTickBringsLiveLeaseTimesBack() {
        Instant registeredAt = Instant.now();
        memory.register(tool("quebec-1", "quebec"), "key", registeredAt);
        view.keepCurrent();
        databaseDown = true;

        // The first read finds the database gone (and waits out its timeout, here at once); the next reads don't ask.
        assertThat(view.services("quebec", null, null, null)).hasSize(1);
        int readsSoFar = databaseReads.get();
        for (int i = 0; i < 5; i++) {
            assertThat(view.services("quebec", null, null, null)).hasSize(1);
        }
        assertThat(databaseReads.get()).isEqualTo(readsSoFar);

        // While it is away, the tick asks; once it is back, the tick's read restores live lease times.
        view.keepCurrent();
        assertThat(databaseReads.get()).isGreaterThan(readsSoFar);
        Instant renewedAt = registeredAt.plusSeconds(7);
        memory.renew("quebec-1", renewedAt);
        databaseDown = false;
        view.keepCurrent();

        assertThat(view.services("quebec", null, null, null))
                .singleElement()
                .extracting(service -> service.instances().getFirst())
                .extracting(Instance::lastRenewal)
                .isEqualTo(renewedAt);
    }
}
