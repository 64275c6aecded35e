package io.agentforge.e2e;

import static io.agentforge.registry.api.Registrations.probedEverySecond;
import static io.agentforge.registry.api.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.Backoff;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.LeaseState;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.testsupport.ToolStub;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leases kept by {@link LeaseKeeper} and seen through a {@link DiscoveryCache} fed by a real registry's change feed. */
class LeaseAndDiscoveryTests {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.1);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static RegistryServer registry;
    private static HttpRegistryClient service;
    private static HttpRegistryClient caller;
    private static HttpRegistryClient admin;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private DiscoveryCache cache;

    @BeforeAll
    static void startRegistry() {
        registry = RegistryServer.start();
        service = registry.client(registry.createKey("svc-leases", Role.SERVICE).key());
        caller =
                registry.client(registry.createKey("caller-leases", Role.CLIENT).key());
        admin = registry.client(RegistryServer.ADMIN_KEY);
    }

    @AfterAll
    static void stopRegistry() {
        service.close();
        caller.close();
        admin.close();
        registry.close();
    }

    @BeforeEach
    void startCache() throws InterruptedException {
        cache = new DiscoveryCache(caller, FAST, DiscoveryCache.DEFAULT_IDLE_TIMEOUT, Clock.systemUTC()).start();
        assertThat(cache.awaitCatalog(WAIT)).isTrue();
        await().atMost(WAIT).until(cache::isConnected);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
        cache.close();
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private LeaseKeeper keep(ServiceRegistration registration) {
        return closeLater(new LeaseKeeper(service, registration, FAST, Clock.systemUTC(), new SplittableRandom()))
                .start();
    }

    private List<String> endpointsOf(String serviceName) {
        return cache.endpoints(serviceName).stream()
                .map(CatalogEndpoint::endpoint)
                .toList();
    }

    @Test
    void aKeptInstanceAppearsInTheCatalog() {
        LeaseKeeper keeper = keep(tool("kilo", "kilo-1", "http://127.0.0.1:9101", "kilo_weigh"));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(cache.serviceOf("kilo_weigh")).hasValue("kilo");
            assertThat(endpointsOf("kilo")).containsExactly("http://127.0.0.1:9101");
        });
        LeaseState state = keeper.state();
        assertThat(state.registered()).isTrue();
        assertThat(state.instanceId()).isEqualTo("kilo-1");
        assertThat(state.consecutiveFailures()).isZero();
        assertThat(cache.function("kilo_weigh"))
                .hasValueSatisfying(f -> assertThat(f.description()).isEqualTo("Does kilo_weigh"));
    }

    @Test
    void theChangeFeedKeepsTheCacheCurrent() {
        keep(tool("lima", "lima-1", "http://127.0.0.1:9102", "lima_go"));
        LeaseKeeper second = keep(tool("lima", "lima-2", "http://127.0.0.1:9103", "lima_go"));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(endpointsOf("lima"))
                        .containsExactlyInAnyOrder("http://127.0.0.1:9102", "http://127.0.0.1:9103"));

        second.close();

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(endpointsOf("lima")).containsExactly("http://127.0.0.1:9102"));
        assertThat(cache.isConnected()).isTrue();
        assertThat(cache.consecutiveFailures()).isZero();
    }

    @Test
    void anInstanceFailingItsHealthProbesLeavesTheCacheAndComesBack() {
        ToolStub stub = closeLater(ToolStub.calling((name, body, auth) -> ToolStub.Answer.json("{}")));
        keep(tool("mike", "mike-1", stub.endpoint(), probedEverySecond(), "mike_check"));
        await().atMost(WAIT).until(() -> cache.serviceOf("mike_check").isPresent());

        stub.healthy(false);
        await().atMost(WAIT).until(() -> cache.serviceOf("mike_check").isEmpty());
        assertThat(caller.instance("mike-1")).isPresent();

        stub.healthy(true);
        await().atMost(WAIT).until(() -> cache.serviceOf("mike_check").isPresent());
    }

    @Test
    void aRenewalTheRegistryRefusesAsUnknownRegistersTheInstanceAgain() {
        LeaseKeeper keeper = keep(tool("november", "november-1", "http://127.0.0.1:9104", "november_rain"));
        await().atMost(WAIT).until(() -> cache.serviceOf("november_rain").isPresent());

        assertThat(admin.deregister("november-1")).isTrue();
        await().atMost(WAIT).until(() -> cache.serviceOf("november_rain").isEmpty());

        LeaseState state = keeper.renewNow().join();

        assertThat(state.registered()).isTrue();
        assertThat(state.consecutiveFailures()).isZero();
        assertThat(caller.instance("november-1")).isPresent();
        await().atMost(WAIT).until(() -> cache.serviceOf("november_rain").isPresent());
    }

    @Test
    void closingTheKeeperDeregisters() {
        LeaseKeeper keeper = keep(tool("oscar", "oscar-1", "http://127.0.0.1:9105", "oscar_award"));
        await().atMost(WAIT).until(() -> cache.serviceOf("oscar_award").isPresent());

        keeper.close();

        assertThat(caller.instance("oscar-1")).isEmpty();
        assertThat(keeper.state().registered()).isFalse();
        await().atMost(WAIT).until(() -> cache.serviceOf("oscar_award").isEmpty());
    }
}
