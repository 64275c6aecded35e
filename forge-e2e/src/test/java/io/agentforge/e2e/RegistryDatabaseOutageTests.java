package io.agentforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.Backoff;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.RegistryException;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The registry's PostgreSQL goes away and comes back while a service keeps renewing a short lease: discovery reads
 * go on being answered, renewals for a sixth of the lease; registrations, deregistrations, keys the replica never
 * looked up and, after that, renewals are refused with a 503 problem; once the database is back the registry
 * recovers by itself and the lease that kept renewing is never expired (the sweeper's outage grace) nor registered
 * again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
class RegistryDatabaseOutageTests {

    private static final String ADMIN_KEY = "af_dboutage01_Outage-admin-secret_0123456789abcd";
    private static final String NEVER_SEEN_KEY = "af_neverseen01_Never-looked-up-secret_0123456789";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Backoff FAST = new Backoff(Duration.ofMillis(50), Duration.ofMillis(500), 0.1);

    private Path data;
    private int port;
    private EmbeddedPostgres postgres;
    private ServiceProcess registry;

    @BeforeAll
    void start() throws Exception {
        data = Files.createTempDirectory("forge-outage-pg");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        postgres = postgres();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("create database outage");
        }
        registry = ServiceProcess.start(
                        "registry",
                        "registry-outage",
                        Map.of(),
                        "--agentforge.registry.store=postgres",
                        "--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "outage"),
                        "--spring.datasource.username=postgres",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--" + RegistryServer.ALLOW_LOOPBACK + "=true",
                        "--agentforge.registry.renewal-flush-interval=100ms")
                .awaitReady(Duration.ofSeconds(90));
    }

    // Never "clean": that would delete the data at close. An empty directory gets a new cluster, a used one is reused.
    private EmbeddedPostgres postgres() throws Exception {
        return EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (data != null) {
            try (var files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void renewalsAndReadsGoOnRegistrationsAreRefusedWith503AndNoLeaseRunsOut() throws Exception {
        HttpRegistryClient client = new HttpRegistryClient(new ForgeClientSettings(
                URI.create(registry.url()), ADMIN_KEY, Duration.ofSeconds(1), Duration.ofSeconds(10)));
        LeaseKeeper keeper =
                new LeaseKeeper(client, tool("papa", "papa-1"), FAST, Clock.systemUTC(), new SplittableRandom());
        try (client;
                keeper) {
            keeper.start();
            await().atMost(WAIT).until(() -> keeper.state().registered());
            Instance before = client.instance("papa-1").orElseThrow();
            // Nothing renews this one: its lease outlasts the test, so only the outage decides what deregistering does.
            client.register(tool("romeo", "romeo-1", Duration.ofMinutes(10)));
            // Discovery serves the last snapshot during the outage; the registry refreshes it a moment after a change.
            await().atMost(WAIT)
                    .until(() ->
                            client.services(ServiceQuery.all().withName("papa")).size() == 1);

            postgres.close();
            postgres = null;
            Instant down = Instant.now();

            // More than one lease (3 s) passes without the database while the keeper renews every second. Renewals
            // are acknowledged from memory for a sixth of the lease (at least 1 s), then refused with 503 until they
            // can be written (with several replicas the keeper would renew through another one meanwhile).
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(Instant.now()).isAfter(down.plusSeconds(4));
                assertThat(keeper.state().consecutiveFailures()).isPositive();
            });
            assertThat(client.services(ServiceQuery.all().withName("papa")))
                    .singleElement()
                    .satisfies(service -> assertThat(service.instances()).hasSize(1));
            assertThatThrownBy(() -> client.register(tool("quebec", "quebec-1")))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.getMessage()).contains("database");
                    });
            assertThatThrownBy(() -> client.deregister("romeo-1"))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.status()).isEqualTo(503));
            // A key this replica never looked up can't be checked without the database: refused as unavailable.
            HttpResponse<String> unknownKey;
            try (HttpClient http = HttpClient.newHttpClient()) {
                unknownKey = http.send(
                        HttpRequest.newBuilder(URI.create(registry.url() + "/api/v1/instances/papa-1/lease"))
                                .header("Authorization", "Bearer " + NEVER_SEEN_KEY)
                                .PUT(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            assertThat(unknownKey.statusCode()).isEqualTo(503);
            assertThat(unknownKey.headers().firstValue("Retry-After")).isPresent();
            assertThat(unknownKey.body()).contains("Database unavailable");

            postgres = postgres();

            // The first requests may still find the database starting: they get the 503 and are retried.
            await().atMost(WAIT)
                    .ignoreException(RegistryException.class)
                    .untilAsserted(() -> assertThat(
                                    client.register(tool("quebec", "quebec-1")).status())
                            .isNotNull());
            assertThat(client.deregister("romeo-1")).isTrue();
            // The keeper's next renewal after its refused ones comes after its backoff, and is written with the next
            // batch: wait for it rather than for a fixed moment.
            await().atMost(WAIT).untilAsserted(() -> {
                Instance after = client.instance("papa-1").orElseThrow();
                assertThat(after.registeredAt())
                        .as("never expired and registered again")
                        .isEqualTo(before.registeredAt());
                assertThat(after.status()).isEqualTo(InstanceStatus.UP);
                assertThat(after.lastRenewal()).isAfter(down.plusSeconds(4));
            });
        }
    }

    private static ServiceRegistration tool(String name, String instanceId) {
        return tool(name, instanceId, Duration.ofSeconds(3));
    }

    private static ServiceRegistration tool(String name, String instanceId, Duration lease) {
        return new ServiceRegistration(
                instanceId,
                name,
                ServiceKind.TOOL,
                "1.0.0",
                null,
                "http://127.0.0.1:9201",
                null,
                null,
                List.of(new FunctionDescriptor(name + "_plan", "Plans for " + name, null, null)),
                null,
                lease);
    }
}
