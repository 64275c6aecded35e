package io.agentforge.e2e;

import static io.agentforge.registry.api.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.Backoff;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.LeaseState;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry goes away and comes back: callers keep their catalog meanwhile, and everything heals afterwards. */
class RegistryOutageTests {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.1);

    private final MutableClock clock = MutableClock.startingNow();
    private RegistryServer registry = RegistryServer.start();
    // The admin key is configuration, so it survives the restart of the in-memory registry; created keys do not.
    private final HttpRegistryClient client = registry.client(RegistryServer.ADMIN_KEY);
    private final LeaseKeeper keeper = new LeaseKeeper(
            client, tool("papa", "papa-1", "http://127.0.0.1:9201", "papa_plan"), FAST, clock, new SplittableRandom());
    private final DiscoveryCache cache = new DiscoveryCache(client, FAST, DiscoveryCache.DEFAULT_IDLE_TIMEOUT, clock);

    @AfterEach
    void closeAll() {
        cache.close();
        keeper.close();
        client.close();
        registry.close();
    }

    @Test
    void theCacheServesTheLastCatalogWhileTheRegistryIsDownAndEverythingHealsWhenItIsBack()
            throws InterruptedException {
        keeper.start();
        cache.start();
        assertThat(cache.awaitCatalog(WAIT)).isTrue();
        await().atMost(WAIT).until(() -> cache.serviceOf("papa_plan").isPresent() && cache.isConnected());
        Instant refreshed = cache.lastRefreshed().orElseThrow();
        int port = registry.port();

        registry.close();

        await().atMost(WAIT).until(() -> !cache.isConnected() && cache.consecutiveFailures() >= 1);
        LeaseState during = keeper.renewNow().join();
        assertThat(during.consecutiveFailures()).isGreaterThanOrEqualTo(1);
        assertThat(during.lastError()).contains("unreachable");
        Duration staleness = cache.staleness();
        clock.advance(Duration.ofMinutes(2));
        assertThat(cache.staleness()).isEqualTo(staleness.plusMinutes(2));
        assertThat(cache.lastRefreshed()).hasValue(refreshed);
        assertThat(cache.serviceOf("papa_plan")).hasValue("papa");
        assertThat(cache.endpoints("papa")).hasSize(1);
        assertThat(keeper.state().registered())
                .as("lease ran out on the keeper's clock")
                .isFalse();

        registry = RegistryServer.start(port);

        // The restarted registry knows nothing: the renewal gets 404 and the keeper registers again.
        await().atMost(WAIT).untilAsserted(() -> {
            LeaseState state = keeper.renewNow().join();
            assertThat(state.registered()).isTrue();
            assertThat(state.consecutiveFailures()).isZero();
        });
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(cache.isConnected()).isTrue();
            assertThat(cache.serviceOf("papa_plan")).hasValue("papa");
            assertThat(cache.staleness()).isLessThan(Duration.ofMinutes(1));
        });
        assertThat(cache.lastRefreshed()).get().isNotEqualTo(refreshed);
        assertThatCode(keeper::close).doesNotThrowAnyException();
        assertThat(client.instance("papa-1")).isEmpty();
    }
}
