package io.agentforge.registry.health;

import static io.agentforge.registry.support.Registrations.probed;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.catalog.RegistryView;
import io.agentforge.registry.instance.EndpointPolicy;
import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.Registrations;
import io.agentforge.registry.mcp.McpProperties;
import io.agentforge.registry.mcp.McpServerClient;
import io.agentforge.registry.mcp.McpServers;
import io.agentforge.registry.security.LimitsProperties;
import io.agentforge.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Probes a real HTTP server whose health answer the test switches. */
class HealthProberTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryInstanceStore store = new InMemoryInstanceStore(1000);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger healthStatus = new AtomicInteger(200);
    private final AtomicInteger probes = new AtomicInteger();
    private final EndpointPolicy policy = new EndpointPolicy(false, true, port -> false);
    private final McpServers mcpServers = new McpServers(
            new McpServerClient(Duration.ofSeconds(2), 1 << 20, policy::addressRefusal),
            new McpProperties(Duration.ofSeconds(2), Duration.ofMinutes(1), DataSize.ofMegabytes(1)));
    private final LimitsProperties limits = new LimitsProperties(100, 8, 512);
    private HttpServer server;
    private HealthProber prober;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            probes.incrementAndGet();
            exchange.sendResponseHeaders(healthStatus.get(), -1);
            exchange.close();
        });
        server.createContext("/redirect", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        RegistryView view = new RegistryView(store, ForgeJacksonModule.mapper(), meters);
        // The test's server is on loopback: allowed here, as ./forge up allows it.
        prober = new HealthProber(
                view,
                store,
                new HealthProperties(true, Duration.ofSeconds(2), 3, 16),
                new EndpointPolicy(false, true, port -> false),
                mcpServers,
                new Registrations(store, policy, limits, mcpServers, clock, meters),
                clock,
                meters);
        store.register(
                probed(
                        "tool-1",
                        "tool",
                        "http://127.0.0.1:" + server.getAddress().getPort()),
                "key",
                clock.instant());
    }

    @AfterEach
    void stop() {
        prober.destroy();
        mcpServers.close();
        server.stop(0);
    }

    private void round() throws Exception {
        prober.probeDue().get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(10));
    }

    private InstanceStatus status() {
        return store.find("tool-1").orElseThrow().instance().status();
    }

    @Test
    void threeConsecutiveFailuresMarkAnInstanceDownAndOneSuccessBringsItBack() throws Exception {
        healthStatus.set(503);
        round();
        round();
        assertThat(status()).as("two failures are not enough").isEqualTo(InstanceStatus.UP);
        round();
        assertThat(status()).isEqualTo(InstanceStatus.DOWN);
        assertThat(meters.get("agentforge.registry.probe.failures").counter().count())
                .isEqualTo(3);

        healthStatus.set(200);
        round();

        assertThat(status()).isEqualTo(InstanceStatus.UP);
    }

    @Test
    void aSuccessInBetweenResetsTheFailureCount() throws Exception {
        healthStatus.set(500);
        round();
        round();
        healthStatus.set(200);
        round();
        healthStatus.set(500);
        round();
        round();

        assertThat(status()).isEqualTo(InstanceStatus.UP);
    }

    @Test
    void probesRunOnTheInstancesIntervalNotOnEveryTick() throws Exception {
        prober.probeDue().get(10, TimeUnit.SECONDS);
        clock.advance(Duration.ofSeconds(5));
        prober.probeDue().get(10, TimeUnit.SECONDS);
        assertThat(probes).hasValue(1);

        clock.advance(Duration.ofSeconds(5));
        prober.probeDue().get(10, TimeUnit.SECONDS);

        assertThat(probes).hasValue(2);
    }

    @Test
    void anUnreachableInstanceCountsAsFailing() throws Exception {
        server.stop(0);
        round();
        round();
        round();

        assertThat(status()).isEqualTo(InstanceStatus.DOWN);
    }

    @Test
    void redirectsAreNotFollowedSoAProbeNeverLeavesTheEndpointHost() throws Exception {
        store.register(
                new io.agentforge.registry.api.ServiceRegistration(
                        "tool-1",
                        "tool",
                        io.agentforge.registry.api.ServiceKind.TOOL,
                        null,
                        null,
                        "http://127.0.0.1:" + server.getAddress().getPort(),
                        null,
                        null,
                        null,
                        new io.agentforge.registry.api.HealthCheck("/redirect", Duration.ofSeconds(10)),
                        null),
                "key",
                clock.instant());
        round();
        round();
        round();

        assertThat(status()).as("a 302 is not a healthy answer").isEqualTo(InstanceStatus.DOWN);
    }

    @Test
    void anEndpointOnTheRegistrysOwnPortIsNeverProbed() throws Exception {
        int port = server.getAddress().getPort();
        prober.destroy();
        // As if the test's server were the registry: the endpoint points back at it.
        prober = new HealthProber(
                new RegistryView(store, ForgeJacksonModule.mapper(), meters),
                store,
                new HealthProperties(true, Duration.ofSeconds(2), 3, 16),
                new EndpointPolicy(false, true, p -> p == port),
                mcpServers,
                new Registrations(store, policy, limits, mcpServers, clock, meters),
                clock,
                meters);
        round();
        round();
        round();

        assertThat(probes).as("refused before connecting").hasValue(0);
        assertThat(status()).isEqualTo(InstanceStatus.DOWN);
    }
}
