package io.agentforge.registry;

import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.FunctionMatch;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.SearchMode;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.support.BenchCatalog;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.MemoryRegistryTest;
import io.agentforge.testsupport.MutableClock;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * Catalog search over real HTTP, against the benchmark's functions registered in the shared memory-store registry
 * with the bundled embedding model. Waiting for the embeddings is an upper bound, not a timing assertion.
 */
@MemoryRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogSearchHttpTests {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    InstanceStore store;

    Http http;
    String clientKey;

    @BeforeAll
    void registerTheBenchmarkCatalog() {
        http = new Http("http://127.0.0.1:" + port);
        clientKey = http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "search-ui", "roles", List.of("client")))
                .as(ApiKeyCreated.class)
                .key();
        // 39 services: an admin key may register any name.
        for (ServiceRegistration registration : BenchCatalog.registrations()) {
            assertThat(http.post("/api/v1/instances", ADMIN_KEY, registration).status())
                    .isEqualTo(201);
        }
        await().atMost(Duration.ofMinutes(3)).until(() -> search("anything", 1).pendingEmbeddings() == 0);
    }

    Http.Response get(String query) {
        return http.get("/api/v1/catalog/search?" + query, clientKey);
    }

    CatalogSearchResult search(String q, int k, String... more) {
        Http.Response response =
                get("q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&k=" + k + String.join("", more));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.as(CatalogSearchResult.class);
    }

    static void assertProblem(Http.Response response, String detail) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:agentforge:problem:validation");
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    @Nested
    class Ranking {

        @Test
        void theCalculatorsEvaluateComesFirstForAnArithmeticExpression() {
            CatalogSearchResult result = search("compute (3+4)*2", 10);

            assertThat(result.mode()).isEqualTo(SearchMode.HYBRID);
            assertThat(result.matches()).hasSize(10);
            FunctionMatch first = result.matches().getFirst();
            assertThat(first.name()).isEqualTo("calculator_evaluate");
            assertThat(first.service()).isEqualTo("calculator");
            assertThat(first.semanticScore()).isNotNull();
            assertThat(first.inputSchema()).containsKey("properties");
            assertThat(result.matches())
                    .extracting(FunctionMatch::score)
                    .isSortedAccordingTo((a, b) -> Double.compare(b, a));
        }

        @Test
        void meaningFindsAFunctionThatSharesNoWordWithTheQuestion() {
            CatalogSearchResult result = search("do I need sunscreen today", 5);

            assertThat(result.matches()).extracting(FunctionMatch::name).contains("weather_uv_index");
        }

        @Test
        void eachModeReportsItsOwnParts() {
            CatalogSearchResult lexical = search("convert miles to kilometers", 3, "&mode=lexical");
            CatalogSearchResult semantic = search("convert miles to kilometers", 3, "&mode=semantic");

            assertThat(lexical.mode()).isEqualTo(SearchMode.LEXICAL);
            assertThat(lexical.matches()).allSatisfy(m -> assertThat(m.score()).isEqualTo(m.lexicalScore()));
            assertThat(lexical.matches().getFirst().name()).isEqualTo("units_convert");
            assertThat(semantic.mode()).isEqualTo(SearchMode.SEMANTIC);
            assertThat(semantic.matches()).allSatisfy(m -> assertThat(m.score()).isEqualTo(m.semanticScore()));
        }

        @Test
        void capabilityAndKindNarrowTheCandidates() {
            assertThat(search("convert an amount", 10, "&capability=conversion").matches())
                    .extracting(FunctionMatch::service)
                    .containsOnly("units");
            assertThat(search("convert an amount", 10, "&kind=AGENT").matches()).isEmpty();
            assertThat(search("convert an amount", 10, "&kind=TOOL").matches()).hasSize(10);
        }
    }

    @Nested
    class Health {

        @Test
        void aFunctionWhoseInstancesAreAllDownIsNeverReturned() {
            ServiceRegistration oven = new ServiceRegistration(
                    "oven-1",
                    "oven",
                    ServiceKind.TOOL,
                    "1.0.0",
                    null,
                    "http://192.0.2.1:9",
                    List.of("kitchen"),
                    Map.of(),
                    List.of(new FunctionDescriptor(
                            "oven_bake_sourdough", "Bakes a sourdough loaf in the smart oven", null, null)),
                    null,
                    Duration.ofHours(1));
            String serviceKey = http.post(
                            "/api/v1/keys",
                            ADMIN_KEY,
                            Map.of("name", "oven-svc", "roles", List.of("service"), "services", List.of("oven")))
                    .as(ApiKeyCreated.class)
                    .key();
            assertThat(http.post("/api/v1/instances", serviceKey, oven).status())
                    .isEqualTo(201);
            assertThat(http.post("/api/v1/instances", serviceKey, oven.withInstanceId("oven-2"))
                            .status())
                    .isEqualTo(201);
            await().atMost(Duration.ofMinutes(1)).until(() -> search("bake", 1).pendingEmbeddings() == 0);
            assertThat(search("bake a sourdough loaf", 1).matches().getFirst().name())
                    .isEqualTo("oven_bake_sourdough");

            store.changeStatus("oven-1", InstanceStatus.DOWN, clock.instant());
            assertThat(search("bake a sourdough loaf", 1).matches().getFirst().name())
                    .isEqualTo("oven_bake_sourdough");
            store.changeStatus("oven-2", InstanceStatus.DOWN, clock.instant());

            for (String mode : List.of("hybrid", "lexical", "semantic")) {
                assertThat(search("bake a sourdough loaf", 100, "&mode=" + mode).matches())
                        .extracting(FunctionMatch::name)
                        .doesNotContain("oven_bake_sourdough");
            }
        }
    }

    /*
     * The catalog is the same for every key that may read it (scopes limit what a key registers, not what it sees),
     * so search is filtered exactly as /api/v1/catalog is: no key, no answer; any valid key, the catalog's functions.
     */
    @Nested
    class Visibility {

        @Test
        void everyRoleFindsOnlyWhatItsOwnCatalogShows() {
            String serviceKey = http.post(
                            "/api/v1/keys",
                            ADMIN_KEY,
                            Map.of("name", "search-svc", "roles", List.of("service"), "services", List.of("search-*")))
                    .as(ApiKeyCreated.class)
                    .key();
            for (String key : List.of(clientKey, serviceKey, ADMIN_KEY)) {
                Set<String> catalog = new HashSet<>();
                http.get("/api/v1/catalog", key)
                        .json()
                        .get("functions")
                        .forEach(f -> catalog.add(f.get("name").asString()));
                List<String> found = http
                        .get("/api/v1/catalog/search?q=convert&k=100", key)
                        .as(CatalogSearchResult.class)
                        .matches()
                        .stream()
                        .map(FunctionMatch::name)
                        .toList();

                assertThat(found).hasSize(100);
                assertThat(catalog).containsAll(found);
                assertThat(found)
                        .isEqualTo(search("convert", 100).matches().stream()
                                .map(FunctionMatch::name)
                                .toList());
            }
        }

        @Test
        void aRevokedKeyFindsNothing() {
            ApiKeyCreated created = http.post(
                            "/api/v1/keys", ADMIN_KEY, Map.of("name", "search-gone", "roles", List.of("client")))
                    .as(ApiKeyCreated.class);
            assertThat(http.get("/api/v1/catalog/search?q=add", created.key()).status())
                    .isEqualTo(200);

            assertThat(http.delete("/api/v1/keys/" + created.keyId(), ADMIN_KEY).status())
                    .isEqualTo(204);

            Http.Response response = http.get("/api/v1/catalog/search?q=add", created.key());
            assertThat(response.status()).isEqualTo(401);
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }

        @Test
        void anUnknownKeyFindsNothing() {
            assertThat(http.get("/api/v1/catalog/search?q=add", "af_unknown.secret")
                            .status())
                    .isEqualTo(401);
        }
    }

    @Nested
    class BadQueries {

        @Test
        void aMissingOrBlankQueryIsAProblem() {
            assertProblem(get("k=5"), "q is required");
            assertProblem(get("q=%20%20&k=5"), "q is required");
        }

        @Test
        void aQueryOverAThousandCharactersIsAProblem() {
            assertProblem(get("q=" + "a".repeat(1001)), "at most 1000");
        }

        @Test
        void aTenKilobyteQueryIsAProblem() {
            Http.Response response = get("q=" + "a".repeat(10 * 1024));

            // Longer than a request line may be (8 KiB): refused by the server before the application sees it.
            assertThat(response.status()).as(response.body()).isEqualTo(414);
            assertThat(response.body()).contains("urn:agentforge:problem:malformed-request");
            assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "101", "10000"})
        void kOutsideOneToAHundredIsAProblemThatSaysTheRange(String k) {
            assertProblem(get("q=add&k=" + k), "k must be between 1 and 100, was " + k);
        }

        @Test
        void anUnknownModeOrAMalformedCapabilityIsAProblem() {
            assertProblem(get("q=add&mode=fuzzy"), "expected one of hybrid, lexical, semantic");
            assertProblem(get("q=add&capability=NOT%20OK"), "capability must match");
        }

        @Test
        void searchNeedsAKey() {
            assertThat(http.get("/api/v1/catalog/search?q=add", null).status()).isEqualTo(401);
        }
    }
}
