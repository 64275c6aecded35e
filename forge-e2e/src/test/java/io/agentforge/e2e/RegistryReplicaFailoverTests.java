package io.agentforge.e2e;

import static io.agentforge.registry.api.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.Backoff;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two registry replicas as separate processes on one PostgreSQL, and a calculator and a caller given both URLs. One
 * replica is killed with SIGKILL mid-flight: the calculator's renewals, the caller's registrations and its change
 * feed move to the other replica, and the calculator's lease never runs out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
class RegistryReplicaFailoverTests {

    private static final String ADMIN_KEY = "af_failover01_Failover-admin-secret_0123456789abc";
    private static final String CALCULATOR_KEY = "af_failcalc01_Failover-calculator-secret_0123456789";
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.1);

    private EmbeddedPostgres postgres;
    private ServiceProcess replicaA;
    private ServiceProcess replicaB;
    private ServiceProcess calculator;

    @BeforeAll
    void start() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database failover");
        }
        String database = postgres.getJdbcUrl("postgres", "failover");
        // One after the other: the first applies the schema, the second finds it there.
        replicaA = replica("registry-a", database);
        replicaB = replica("registry-b", database);
        calculator = ServiceProcess.start(
                        "calculator",
                        "calculator-failover",
                        Map.of(
                                "AGENTFORGE_REGISTRY_URL",
                                replicaA.url() + "," + replicaB.url(),
                                "AGENTFORGE_API_KEY",
                                CALCULATOR_KEY),
                        "--agentforge.lease-duration=6s")
                .awaitReady(START);
    }

    private static ServiceProcess replica(String name, String database) throws Exception {
        return ServiceProcess.start(
                        "registry",
                        name,
                        Map.of(),
                        "--agentforge.registry.store=postgres",
                        "--spring.datasource.url=" + database,
                        "--spring.datasource.username=postgres",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--agentforge.registry.security.service-keys=failover-calculator:service:services=calculator:"
                                + CALCULATOR_KEY,
                        "--" + RegistryServer.ALLOW_LOOPBACK + "=true",
                        "--agentforge.registry.renewal-flush-interval=100ms")
                .awaitReady(START);
    }

    @AfterAll
    void stop() throws Exception {
        for (ServiceProcess process : new ServiceProcess[] {calculator, replicaB, replicaA}) {
            if (process != null) {
                process.close();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void killingOneReplicaMovesRenewalsRegistrationsAndTheFeedToTheOtherAndNoLeaseRunsOut() throws Exception {
        HttpRegistryClient onlyB = client(List.of(URI.create(replicaB.url())));
        HttpRegistryClient both = client(List.of(URI.create(replicaA.url()), URI.create(replicaB.url())));
        DiscoveryCache cache = new DiscoveryCache(both, FAST, DiscoveryCache.DEFAULT_IDLE_TIMEOUT, Clock.systemUTC());
        LeaseKeeper papa = new LeaseKeeper(
                both,
                tool("papa", "papa-1", "http://127.0.0.1:9201", "papa_plan"),
                FAST,
                Clock.systemUTC(),
                new SplittableRandom());
        try (onlyB;
                both;
                cache;
                papa) {
            Instance before = await().atMost(WAIT)
                    .until(
                            () -> calculatorAt(onlyB),
                            found -> found.isPresent() && found.get().status() == InstanceStatus.UP)
                    .orElseThrow();
            cache.start();
            assertThat(cache.awaitCatalog(WAIT)).isTrue();
            await().atMost(WAIT)
                    .until(() -> cache.serviceOf("calculator_evaluate").isPresent());

            replicaA.kill();
            Instant killed = Instant.now();

            // The calculator renews through B: its one registration keeps being renewed and never expires.
            await().atMost(WAIT).untilAsserted(() -> {
                Instance now = calculatorAt(onlyB).orElseThrow();
                assertThat(now.lastRenewal()).isAfter(killed.plusSeconds(2));
                assertThat(now.status()).isEqualTo(InstanceStatus.UP);
                assertThat(now.instanceId()).isEqualTo(before.instanceId());
                assertThat(now.registeredAt()).as("never registered again").isEqualTo(before.registeredAt());
            });

            // A client listing A first registers through B, and its change feed reconnects to B and sees it.
            papa.start();
            await().atMost(WAIT).until(() -> papa.state().registered());
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(cache.isConnected()).isTrue();
                assertThat(cache.serviceOf("papa_plan")).hasValue("papa");
            });
            assertThat(onlyB.instance("papa-1")).isPresent();
        }
    }

    private static Optional<Instance> calculatorAt(HttpRegistryClient client) {
        return client.services(ServiceQuery.all().withName("calculator")).stream()
                .map(RegisteredService::instances)
                .flatMap(List::stream)
                .findFirst();
    }

    private static HttpRegistryClient client(List<URI> urls) {
        return new HttpRegistryClient(
                new ForgeClientSettings(urls, ADMIN_KEY, Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }
}
