package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.tool;
import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.CatalogChanges;
import io.agentforge.registry.api.CatalogChanges.ChangedTool;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.MemoryRegistryTest;
import io.agentforge.testsupport.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The cached full and per-service fetch (gzip, ETag) and the incremental fetch, over real HTTP. */
@MemoryRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiscoveryFetchHttpTests {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Http http;

    @BeforeAll
    void registry() {
        http = new Http("http://127.0.0.1:" + port);
        register("fetch-1", "fetch");
        register("fetch-2", "fetch");
    }

    @AfterEach
    void removeExtra() {
        http.delete("/api/v1/instances/fetch-3", ADMIN_KEY);
    }

    void register(String id, String service) {
        assertThat(http.post("/api/v1/instances", ADMIN_KEY, tool(id, service, service.replace('-', '_') + "_fn"))
                        .status())
                .isBetween(200, 201);
    }

    @Test
    void theFullFetchIsGzippedOnRequestAndTheSameAsThePlainOne() throws IOException {
        Http.Response plain = http.get("/api/v1/services", ADMIN_KEY);
        HttpResponse<byte[]> gzipped = raw("/api/v1/services", "Accept-Encoding", "gzip");

        assertThat(gzipped.statusCode()).isEqualTo(200);
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(gzipped.headers().firstValue("ETag")).hasValue(plain.header("ETag"));
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain.body());
        }
        assertThat(plain.json().valueStream().map(s -> s.get("name").asString()))
                .contains("fetch");
    }

    @Test
    void theDirectlyAnsweredReadsCarryTheHeadersOfTheRegularOnes() {
        // ?name= alone is answered ahead of the filter chain; with status it goes through the controller.
        Http.Response direct = http.get("/api/v1/services?name=fetch", ADMIN_KEY);
        Http.Response regular = http.get("/api/v1/services?status=UP&name=fetch", ADMIN_KEY);

        assertThat(direct.status()).isEqualTo(regular.status()).isEqualTo(200);
        assertSameHeaders(direct, regular);
        assertThat(direct.json().get(0).get("instances")).hasSize(2);
        assertThat(http.get("/api/v1/services?name=fetch", null).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/services?name=Bad_Name", ADMIN_KEY).status())
                .isEqualTo(400);
    }

    @Test
    void theCatalogIsAnsweredDirectlyWithTheBodyAndHeadersOfTheRegularOne() throws IOException {
        // Without a query the catalog is answered ahead of the filter chain; with one it goes through the controller.
        Http.Response direct = http.get("/api/v1/catalog", ADMIN_KEY);
        Http.Response regular = http.get("/api/v1/catalog?via=controller", ADMIN_KEY);

        assertThat(direct.status()).isEqualTo(regular.status()).isEqualTo(200);
        assertThat(direct.body()).isEqualTo(regular.body()).contains("fetch_fn");
        assertSameHeaders(direct, regular);
        assertThat(http.get("/api/v1/catalog", ADMIN_KEY, "If-None-Match", direct.header("ETag"))
                        .status())
                .isEqualTo(304);
        HttpResponse<byte[]> gzipped = raw("/api/v1/catalog", "Accept-Encoding", "gzip");
        assertThat(gzipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (var in = new GZIPInputStream(new ByteArrayInputStream(gzipped.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(direct.body());
        }
        assertThat(http.get("/api/v1/catalog", null).status()).isEqualTo(401);
        assertThat(http.get("/api/v1/catalog", null, "X-API-Key", ADMIN_KEY).status())
                .isEqualTo(200);
    }

    @Test
    void jettyServesWithALongListenBacklogAndKeepsIdleConnectionsPastARenewalPeriod(
            @Autowired org.springframework.boot.web.server.context.WebServerApplicationContext context) {
        var server = ((org.springframework.boot.jetty.JettyWebServer) context.getWebServer()).getServer();
        var connector = (org.eclipse.jetty.server.ServerConnector) server.getConnectors()[0];

        assertThat(connector.getAcceptQueueSize()).isEqualTo(1024);
        assertThat(connector.getIdleTimeout()).isEqualTo(60_000);
    }

    @Test
    void anUnchangedServiceAnswers304AndAChangeShowsAtOnce() {
        Http.Response first = http.get("/api/v1/services?name=fetch", ADMIN_KEY);
        String etag = first.header("ETag");
        assertThat(etag).startsWith("W/\"");

        Http.Response again = http.get("/api/v1/services?name=fetch", ADMIN_KEY, "If-None-Match", etag);
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        register("fetch-3", "fetch");
        Http.Response changed = http.get("/api/v1/services?name=fetch", ADMIN_KEY, "If-None-Match", etag);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.header("ETag")).isNotEqualTo(etag);
        assertThat(changed.json().get(0).get("instances")).hasSize(3);
    }

    @Test
    void leaseTimesInACachedAnswerFollowRenewalsOnceTheyAreALeaseRefreshOld() {
        http.get("/api/v1/services?name=fetch", ADMIN_KEY); // cached now
        clock.advance(Duration.ofSeconds(2));
        assertThat(http.put("/api/v1/instances/fetch-1/lease", ADMIN_KEY).status())
                .isEqualTo(200);

        JsonNode instance = http.get("/api/v1/services?name=fetch", ADMIN_KEY)
                .json()
                .get(0)
                .get("instances")
                .get(0);

        assertThat(instance.get("instanceId").asString()).isEqualTo("fetch-1");
        assertThat(instance.get("lastRenewal").asString())
                .isEqualTo(clock.instant().toString());
    }

    @Test
    void theIncrementalFetchReturnsOnlyWhatChangedAfterTheGivenEvent() {
        long since = Long.parseLong(http.get("/api/v1/services", ADMIN_KEY).header("X-Forge-Event-Id"));

        register("fetch-3", "fetch");
        JsonNode changes =
                http.get("/api/v1/services?since=" + since, ADMIN_KEY).json();

        assertThat(changes.get("reset").asBoolean()).isFalse();
        assertThat(changes.get("more").asBoolean()).isFalse();
        assertThat(changes.get("changes")).hasSize(1);
        assertThat(changes.get("changes").get(0).get("type").asString()).isEqualTo("registered");
        assertThat(changes.get("changes")
                        .get(0)
                        .get("instance")
                        .get("instanceId")
                        .asString())
                .isEqualTo("fetch-3");
        long next = changes.get("eventId").asLong();
        assertThat(next).isGreaterThan(since);

        JsonNode none = http.get("/api/v1/services?since=" + next, ADMIN_KEY).json();
        assertThat(none.get("changes")).isEmpty();
        assertThat(none.get("eventId").asLong()).isEqualTo(next);
        JsonNode otherService = http.get("/api/v1/services?name=other&since=" + since, ADMIN_KEY)
                .json();
        assertThat(otherService.get("changes")).isEmpty();
        assertThat(otherService.get("eventId").asLong()).isEqualTo(next);
    }

    @Test
    void anIncrementalFetchFromAnotherHistoryAsksForAFullFetch() {
        JsonNode changes =
                http.get("/api/v1/services?since=999999999", ADMIN_KEY).json();

        assertThat(changes.get("reset").asBoolean()).isTrue();
        assertThat(changes.get("changes")).isEmpty();
    }

    @Test
    void aMalformedOrCombinedSinceIsABadRequest() {
        for (String query : new String[] {"since=abc", "since=-1", "since=1&kind=TOOL", "since=1&status=UP"}) {
            Http.Response response = http.get("/api/v1/services?" + query, ADMIN_KEY);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.json().get("detail").asString()).contains("since");
        }
    }

    @Test
    void catalogChangesTurnTheHeldCatalogIntoTheCurrentOne(@Autowired JsonMapper mapper) {
        register("delta-1", "delta");
        Catalog held = mapper.readValue(http.get("/api/v1/catalog", ADMIN_KEY).body(), Catalog.class);

        register("fetch-3", "fetch");
        register("added-1", "added");
        assertThat(http.delete("/api/v1/instances/delta-1", ADMIN_KEY).status()).isEqualTo(204);
        Http.Response answer = http.get("/api/v1/catalog/changes?since=" + held.eventId(), ADMIN_KEY);
        CatalogChanges changes = mapper.readValue(answer.body(), CatalogChanges.class);
        Catalog current =
                mapper.readValue(http.get("/api/v1/catalog", ADMIN_KEY).body(), Catalog.class);

        assertThat(changes.reset()).isFalse();
        assertThat(changes.eventId()).isEqualTo(current.eventId()).isGreaterThan(held.eventId());
        assertThat(answer.header("X-Forge-Event-Id")).isEqualTo(Long.toString(current.eventId()));
        // Only the tools that changed, the one that left the catalog without an entry.
        assertThat(changes.tools()).extracting(ChangedTool::name).containsExactly("added", "delta", "fetch");
        assertThat(changes.tools().get(1).service()).isNull();
        assertThat(changes.tools().get(1).functions()).isEmpty();
        assertThat(changes.tools().get(2).service().instances())
                .extracting(CatalogEndpoint::instanceId)
                .containsExactly("fetch-1", "fetch-2", "fetch-3");
        Catalog applied = changes.applyTo(held);
        assertThat(applied).isEqualTo(current);
        assertThat(applied.functions())
                .extracting(CatalogFunction::name)
                .contains("added_fn")
                .doesNotContain("delta_fn");

        CatalogChanges none = mapper.readValue(
                http.get("/api/v1/catalog/changes?since=" + current.eventId(), ADMIN_KEY)
                        .body(),
                CatalogChanges.class);
        assertThat(none.reset()).isFalse();
        assertThat(none.tools()).isEmpty();
        assertThat(none.applyTo(current)).isEqualTo(current);
        http.delete("/api/v1/instances/added-1", ADMIN_KEY);
    }

    @Test
    void catalogChangesFollowAnInstanceThatMovedToAnotherService(@Autowired JsonMapper mapper) {
        register("mover-1", "origin");
        Catalog held = mapper.readValue(http.get("/api/v1/catalog", ADMIN_KEY).body(), Catalog.class);

        // Registered again under another name: its event names only the new service.
        register("mover-1", "destination");
        CatalogChanges changes = mapper.readValue(
                http.get("/api/v1/catalog/changes?since=" + held.eventId(), ADMIN_KEY)
                        .body(),
                CatalogChanges.class);
        Catalog current =
                mapper.readValue(http.get("/api/v1/catalog", ADMIN_KEY).body(), Catalog.class);
        http.delete("/api/v1/instances/mover-1", ADMIN_KEY);

        assertThat(changes.tools()).extracting(ChangedTool::name).containsExactly("destination", "origin");
        assertThat(changes.applyTo(held)).isEqualTo(current);
        assertThat(current.index()).containsKey("destination_fn").doesNotContainKey("origin_fn");
    }

    @Test
    void catalogChangesFromAnotherHistoryAskForAFullFetch() {
        long now = Long.parseLong(http.get("/api/v1/catalog", ADMIN_KEY).header("X-Forge-Event-Id"));
        for (long since : new long[] {1, now + 1000}) {
            JsonNode changes = http.get("/api/v1/catalog/changes?since=" + since, ADMIN_KEY)
                    .json();

            assertThat(changes.get("reset").asBoolean()).as("since %d", since).isTrue();
            assertThat(changes.get("tools")).isEmpty();
            assertThat(changes.get("eventId").asLong()).isEqualTo(now);
        }
    }

    @Test
    void catalogChangesWithoutAValidSinceAreABadRequest() {
        for (String query : new String[] {"", "?since=abc", "?since=-1", "?since=" + "9".repeat(30)}) {
            Http.Response response = http.get("/api/v1/catalog/changes" + query, ADMIN_KEY);
            assertThat(response.status()).as(query).isEqualTo(400);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
            assertThat(response.json().get("detail").asString()).as(query).contains("since");
        }
    }

    HttpResponse<byte[]> raw(String path, String... headers) {
        HttpRequest.Builder request = http.request(path, ADMIN_KEY, headers).GET();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(
                    request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The headers a directly answered read must share with the same read answered through the controller. */
    private static void assertSameHeaders(Http.Response direct, Http.Response regular) {
        for (String header : List.of(
                "ETag",
                "X-Forge-Event-Id",
                "Cache-Control",
                "Vary",
                "Content-Type",
                "X-Content-Type-Options",
                "X-Frame-Options",
                "X-XSS-Protection",
                "Pragma",
                "Expires")) {
            assertThat(direct.header(header)).as(header).isEqualTo(regular.header(header));
        }
    }
}
