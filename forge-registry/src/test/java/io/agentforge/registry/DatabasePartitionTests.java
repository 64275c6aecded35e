package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.tool;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.StallingTcpProxy;
import io.agentforge.registry.support.TestPostgres;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A registry cut off from PostgreSQL by a partition, not a stopped server: its connections stay open and the
 * database's answers never come (a proxy that stops forwarding without closing). A call under way when the link
 * stops must fail within the socket timeout and be answered 503, not wait for TCP to give up; renewals of known
 * instances are answered from memory for a sixth of their lease, then refused with 503 (replicas that still reach
 * the database would expire them otherwise); once the link is back the registry accepts writes again by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabasePartitionTests {

    private static final String ADMIN_KEY = "af_partition01_abcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern HOST_PORT = Pattern.compile("//([^:/]+):(\\d+)/");

    private StallingTcpProxy proxy;
    private ConfigurableApplicationContext registry;
    private Http http;
    private String baseUrl;

    @BeforeAll
    void start() throws Exception {
        String databaseUrl = TestPostgres.newDatabaseUrl();
        Matcher hostPort = HOST_PORT.matcher(databaseUrl);
        assertThat(hostPort.find()).as("host and port in %s", databaseUrl).isTrue();
        proxy = new StallingTcpProxy(hostPort.group(1), Integer.parseInt(hostPort.group(2)));
        registry = new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--agentforge.registry.store=postgres",
                        "--spring.datasource.url=" + hostPort.replaceFirst("//127.0.0.1:" + proxy.port() + "/"),
                        "--spring.datasource.username=postgres",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--agentforge.registry.renewal-flush-interval=100ms",
                        // The setting's env shortcut, shorter than its default so the test doesn't wait long.
                        "--AGENTFORGE_DATABASE_SOCKET_TIMEOUT_S=2",
                        "--spring.jmx.enabled=false");
        baseUrl = "http://127.0.0.1:" + registry.getEnvironment().getProperty("local.server.port");
        http = new Http(baseUrl);
    }

    @AfterAll
    void stop() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void aCallCutOffByAPartitionIsAnswered503AndTheRegistryRecoversWhenTheLinkIsBack() {
        assertThat(http.post("/api/v1/instances", ADMIN_KEY, tool("partition-known", "partitioned"))
                        .status())
                .isEqualTo(201);

        // The insert of this registration is the first message the partition swallows.
        proxy.stallWhenSent("partition-cut");
        Http.Response cut = http.post("/api/v1/instances", ADMIN_KEY, tool("partition-cut", "partitioned"));
        assertThat(proxy.stalled()).isTrue();
        assertThat(cut.status()).as(cut.body()).isEqualTo(503);
        assertThat(cut.header("Retry-After")).isEqualTo("1");

        // Meanwhile: a renewal of an instance this replica knows is answered from memory, a new write is refused.
        assertThat(http.put("/api/v1/instances/partition-known/lease", ADMIN_KEY)
                        .status())
                .isEqualTo(200);
        assertThat(http.post("/api/v1/instances", ADMIN_KEY, tool("partition-during", "partitioned"))
                        .status())
                .isEqualTo(503);
        // Once renewals have gone unwritten for a sixth of the 30 s lease, they are refused so the service renews
        // through a replica that can write them.
        Http.Response refused = Awaitility.await("a renewal refused while renewals can't be written")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> http.put("/api/v1/instances/partition-known/lease", ADMIN_KEY), r -> r.status() != 200);
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        // The change feed can't read other replicas' changes either: a subscriber is sent to another replica.
        Awaitility.await("a change-feed subscription refused while the event log can't be read")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(this::subscriptionStatus, status -> status == 503);

        proxy.heal();
        Awaitility.await("a registration accepted after the partition")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> http.post("/api/v1/instances", ADMIN_KEY, tool("partition-after", "partitioned"))
                                .status()
                        == 201);
        assertThat(http.get("/api/v1/instances/partition-known", ADMIN_KEY).status())
                .isEqualTo(200);
        Awaitility.await("renewals written and acknowledged again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> http.put("/api/v1/instances/partition-known/lease", ADMIN_KEY)
                                .status()
                        == 200);
    }

    // Only the status: a stream that was accepted is closed at once.
    private int subscriptionStatus() throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpResponse<InputStream> response = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/events"))
                            .header("Authorization", "Bearer " + ADMIN_KEY)
                            .header("Accept", "text/event-stream")
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            response.body().close();
            return response.statusCode();
        }
    }
}
