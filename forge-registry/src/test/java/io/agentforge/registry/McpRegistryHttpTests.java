package io.agentforge.registry;

import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.LoopbackRegistryTest;
import io.agentforge.registry.support.ServerJsonSchema;
import io.agentforge.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The MCP Registry-compatible read API over real HTTP, every served document checked against server.schema.json. */
@LoopbackRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpRegistryHttpTests {

    private static final String OFFICIAL = "io.modelcontextprotocol.registry/official";
    private static final ServerJsonSchema SCHEMA = ServerJsonSchema.load();

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Http http;
    String clientKey;

    @BeforeAll
    void setUp() {
        http = new Http("http://127.0.0.1:" + port);
        Http.Response key =
                http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "mcp-registry-reader", "roles", List.of("client")));
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        clientKey = key.as(ApiKeyCreated.class).key();
        register(io.agentforge.registry.api.Registrations.tool("mcpr-alpha")
                .instanceId("mcpr-alpha-1")
                .endpoint("http://192.0.2.10:8080")
                .version("1.2.3")
                .description("Adds, subtracts and otherwise combines numbers. " + "Very long description. ".repeat(8))
                .functions("mcpr_alpha_add", "mcpr_alpha_sub")
                .build());
        register(io.agentforge.registry.api.Registrations.tool("mcpr-alpha")
                .instanceId("mcpr-alpha-2")
                .endpoint("http://192.0.2.11:8080/")
                .version("1.2.3")
                .description("Adds numbers")
                .functions("mcpr_alpha_add", "mcpr_alpha_sub")
                .build());
        register(io.agentforge.registry.api.Registrations.tool("mcpr-beta")
                .instanceId("mcpr-beta-1")
                .endpoint("http://192.0.2.12:8080")
                .version(null)
                .description(null)
                .functions("mcpr_beta_do")
                .build());
        for (int i = 1; i <= 5; i++) {
            register(io.agentforge.registry.api.Registrations.tool("mcpr-page-" + i)
                    .instanceId("mcpr-page-" + i)
                    .endpoint("http://192.0.2." + (20 + i) + ":8080")
                    .version("0." + i)
                    .functions("mcpr_page_" + i)
                    .build());
        }
        // Agents are not MCP servers: never listed.
        register(io.agentforge.registry.api.Registrations.agent("mcpr-agent")
                .instanceId("mcpr-agent-1")
                .endpoint("http://192.0.2.30:8080")
                .build());
    }

    private void register(ServiceRegistration registration) {
        Http.Response response = http.post("/api/v1/instances", ADMIN_KEY, registration);
        assertThat(response.status()).as(response.body()).isIn(200, 201);
    }

    private JsonNode get(String path) {
        Http.Response response = http.get(path, clientKey);
        assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        JsonNode body = response.json();
        // Every document the API serves is a valid server.json.
        List<JsonNode> servers = new ArrayList<>();
        if (body.has("servers")) {
            body.get("servers").forEach(servers::add);
            assertThat(body.get("metadata").get("count").asInt()).isEqualTo(servers.size());
        } else {
            servers.add(body);
        }
        for (JsonNode server : servers) {
            assertThat(SCHEMA.validate(server.get("server")))
                    .as(server.toString())
                    .isEmpty();
            JsonNode official = server.get("_meta").get(OFFICIAL);
            assertThat(official.get("status").asString()).isEqualTo("active");
            assertThat(official.get("isLatest").asBoolean()).isTrue();
            assertThat(Instant.parse(official.get("publishedAt").asString()))
                    .isBeforeOrEqualTo(Instant.parse(official.get("updatedAt").asString()));
        }
        return body;
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.get("servers").forEach(s -> names.add(s.get("server").get("name").asString()));
        return names;
    }

    private static void assertProblem(Http.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:agentforge:problem:" + type);
        assertThat(response.json().get("detail").asString()).isNotBlank();
    }

    @Test
    void theShippedSchemaIsTheMcpRegistryServerJsonSchema() {
        assertThat(SCHEMA.schemaNode().get("$id").asString())
                .isEqualTo("https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json");
        // The validator really checks: a document without a version, a bad name and a remote without a URL fail.
        JsonNode broken = Http.JSON.readTree("""
                {"name": "no-slash", "description": "x", "remotes": [{"type": "streamable-http"}]}""");
        assertThat(SCHEMA.validate(broken))
                .anySatisfy(e -> assertThat(e).contains("version"))
                .anySatisfy(e -> assertThat(e).contains("name"))
                .anySatisfy(e -> assertThat(e).contains("url"));
    }

    @Nested
    class Documents {

        @Test
        void aToolIsAServerWithItsMcpEndpointsAsStreamableHttpRemotes() {
            JsonNode alpha = get("/v0.1/servers/io.agentforge.local%2Fmcpr-alpha/versions/latest");
            JsonNode server = alpha.get("server");
            assertThat(server.get("$schema").asString())
                    .isEqualTo("https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json");
            assertThat(server.get("name").asString()).isEqualTo("io.agentforge.local/mcpr-alpha");
            assertThat(server.get("version").asString()).isEqualTo("1.2.3");
            // server.json allows 100 characters.
            assertThat(server.get("description").asString()).startsWith("Adds").hasSizeLessThanOrEqualTo(100);
            List<String> urls = new ArrayList<>();
            server.get("remotes").forEach(remote -> {
                assertThat(remote.get("type").asString()).isEqualTo("streamable-http");
                urls.add(remote.get("url").asString());
            });
            assertThat(urls).containsExactlyInAnyOrder("http://192.0.2.10:8080/mcp", "http://192.0.2.11:8080/mcp");
            JsonNode live = alpha.get("_meta").get("io.agentforge.registry/live");
            assertThat(live.get("service").asString()).isEqualTo("mcpr-alpha");
            assertThat(live.get("upInstances").asInt()).isEqualTo(2);
            assertThat(live.get("functions").toString()).isEqualTo("[\"mcpr_alpha_add\",\"mcpr_alpha_sub\"]");
        }

        @Test
        void aLongDescriptionIsShortenedToWhatServerJsonAllows() {
            register(io.agentforge.registry.api.Registrations.tool("mcpr-verbose")
                    .instanceId("mcpr-verbose-1")
                    .endpoint("http://192.0.2.40:8080")
                    .description("Word ".repeat(100))
                    .functions("mcpr_verbose_talk")
                    .build());
            String description = get("/v0.1/servers/io.agentforge.local%2Fmcpr-verbose/versions/latest")
                    .get("server")
                    .get("description")
                    .asString();
            assertThat(description).hasSize(100).endsWith("...");
        }

        @Test
        void aToolWithoutVersionOrDescriptionStillGetsValidValues() {
            JsonNode beta = get("/v0.1/servers/io.agentforge.local%2Fmcpr-beta/versions/latest")
                    .get("server");
            assertThat(beta.get("version").asString()).isEqualTo("0.0.0");
            assertThat(beta.get("description").asString()).isNotBlank();
        }

        @Test
        void theExactVersionTheUnencodedNameAndTheVersionListAnswerToo() {
            assertThat(get("/v0.1/servers/io.agentforge.local%2Fmcpr-alpha/versions/1.2.3")
                            .get("server")
                            .get("version")
                            .asString())
                    .isEqualTo("1.2.3");
            assertThat(get("/v0.1/servers/io.agentforge.local/mcpr-alpha/versions/latest")
                            .get("server")
                            .get("name")
                            .asString())
                    .isEqualTo("io.agentforge.local/mcpr-alpha");
            JsonNode versions = get("/v0.1/servers/io.agentforge.local%2Fmcpr-alpha/versions");
            assertThat(names(versions)).containsExactly("io.agentforge.local/mcpr-alpha");
            assertThat(names(get("/v0.1/servers/io.agentforge.local/mcpr-alpha/versions")))
                    .containsExactly("io.agentforge.local/mcpr-alpha");
        }

        @Test
        void agentsAndGoneToolsAreNotServers() {
            assertThat(names(get("/v0.1/servers?search=mcpr-agent"))).isEmpty();
            register(io.agentforge.registry.api.Registrations.tool("mcpr-gone")
                    .instanceId("mcpr-gone-1")
                    .endpoint("http://192.0.2.41:8080")
                    .functions("mcpr_gone_x")
                    .build());
            assertThat(names(get("/v0.1/servers?search=mcpr-gone"))).containsExactly("io.agentforge.local/mcpr-gone");
            assertThat(http.delete("/api/v1/instances/mcpr-gone-1", ADMIN_KEY).status())
                    .isEqualTo(204);
            assertThat(names(get("/v0.1/servers?search=mcpr-gone"))).isEmpty();
            assertProblem(
                    http.get("/v0.1/servers/io.agentforge.local%2Fmcpr-gone/versions/latest", clientKey),
                    404,
                    "not-found");
        }
    }

    @Nested
    class Listing {

        @Test
        void pagesFollowTheNextCursorUntilTheLastPage() {
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page =
                        get("/v0.1/servers?search=mcpr-page&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
                seen.addAll(names(page));
                JsonNode next = page.get("metadata").get("nextCursor");
                cursor = next == null || next.isNull() ? null : next.asString();
                pages++;
                if (cursor != null) {
                    assertThat(page.get("metadata").get("count").asInt()).isEqualTo(2);
                }
            } while (cursor != null && pages < 10);
            assertThat(pages).isEqualTo(3);
            assertThat(seen)
                    .containsExactly(
                            "io.agentforge.local/mcpr-page-1",
                            "io.agentforge.local/mcpr-page-2",
                            "io.agentforge.local/mcpr-page-3",
                            "io.agentforge.local/mcpr-page-4",
                            "io.agentforge.local/mcpr-page-5");
        }

        @Test
        void searchMatchesAPartOfTheNameWhateverItsCase() {
            assertThat(names(get("/v0.1/servers?search=MCPR-ALPHA"))).containsExactly("io.agentforge.local/mcpr-alpha");
            assertThat(names(get("/v0.1/servers?search=agentforge.local%2Fmcpr-be")))
                    .containsExactly("io.agentforge.local/mcpr-beta");
            assertThat(names(get("/v0.1/servers?search=no-such-tool-anywhere"))).isEmpty();
        }

        @Test
        void versionIsLatestOrAnExactVersion() {
            assertThat(names(get("/v0.1/servers?search=mcpr-alpha&version=latest")))
                    .containsExactly("io.agentforge.local/mcpr-alpha");
            assertThat(names(get("/v0.1/servers?search=mcpr-alpha&version=1.2.3")))
                    .containsExactly("io.agentforge.local/mcpr-alpha");
            assertThat(names(get("/v0.1/servers?search=mcpr-alpha&version=9.9.9")))
                    .isEmpty();
        }

        @Test
        void updatedSinceKeepsServersWhoseDocumentChangedSince() {
            register(io.agentforge.registry.api.Registrations.tool("mcpr-moving")
                    .instanceId("mcpr-moving-1")
                    .endpoint("http://192.0.2.42:8080")
                    .version("1.0.0")
                    .functions("mcpr_moving_go")
                    .build());
            get("/v0.1/servers?search=mcpr-moving"); // seen once as 1.0.0
            clock.advance(Duration.ofHours(1));
            Instant changedAt = clock.instant();
            register(io.agentforge.registry.api.Registrations.tool("mcpr-moving")
                    .instanceId("mcpr-moving-1")
                    .endpoint("http://192.0.2.42:8080")
                    .version("1.1.0")
                    .functions("mcpr_moving_go")
                    .build());

            JsonNode since = get("/v0.1/servers?updated_since=" + changedAt + "&search=mcpr-");
            assertThat(names(since))
                    .contains("io.agentforge.local/mcpr-moving")
                    .doesNotContain("io.agentforge.local/mcpr-beta");
            JsonNode moving = since.get("servers").get(names(since).indexOf("io.agentforge.local/mcpr-moving"));
            assertThat(moving.get("_meta").get(OFFICIAL).get("updatedAt").asString())
                    .isEqualTo(changedAt.toString());
            assertThat(names(get("/v0.1/servers?updated_since=2025-12-31T00:00:00Z&search=mcpr-beta")))
                    .containsExactly("io.agentforge.local/mcpr-beta");
            assertThat(names(get("/v0.1/servers?updated_since=2100-01-01T00:00:00%2B01:00")))
                    .isEmpty();
        }
    }

    @Nested
    class BadInput {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "limit=0",
                    "limit=101",
                    "limit=ten",
                    "limit=",
                    "cursor=%25%25%25",
                    "cursor=bm9wZQ",
                    "updated_since=yesterday",
                    "updated_since=2026-13-01T00:00:00Z",
                    "include_deleted=maybe"
                })
        void isAProblemNeverAnError(String query) {
            assertProblem(http.get("/v0.1/servers?" + query, clientKey), 400, "validation");
        }

        @Test
        void aCursorFromAnotherListingStillPagesOnFromItsName() {
            String cursor = Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString("n1:io.agentforge.local/mcpr-page-3".getBytes(StandardCharsets.UTF_8));
            assertThat(names(get("/v0.1/servers?search=mcpr-page&cursor=" + cursor)))
                    .containsExactly("io.agentforge.local/mcpr-page-4", "io.agentforge.local/mcpr-page-5");
        }

        @Test
        void unknownServersAndVersionsAreNotFound() {
            assertProblem(
                    http.get("/v0.1/servers/io.agentforge.local%2Fno-such-tool/versions/latest", clientKey),
                    404,
                    "not-found");
            assertProblem(
                    http.get("/v0.1/servers/io.agentforge.local%2Fmcpr-alpha/versions/9.9.9", clientKey),
                    404,
                    "not-found");
            assertProblem(http.get("/v0.1/servers/no-namespace/versions/latest", clientKey), 400, "validation");
        }

        @Test
        void readsNeedAKey() {
            assertProblem(http.get("/v0.1/servers", null), 401, "unauthorized");
            assertProblem(
                    http.get("/v0.1/servers/io.agentforge.local%2Fmcpr-alpha/versions/latest", null),
                    401,
                    "unauthorized");
        }

        @Test
        void writesAreNotOffered() {
            Http.Response publish = http.post("/v0.1/servers", ADMIN_KEY, Map.of("name", "x/y"));
            assertThat(publish.status()).isEqualTo(405);
            assertThat(publish.header("Content-Type")).startsWith("application/problem+json");
        }
    }
}
