package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.agent;
import static io.agentforge.registry.support.Registrations.tool;
import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.lease.LeaseSweeper;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.MemoryRegistryTest;
import io.agentforge.registry.support.TestRegistryConfiguration;
import io.agentforge.testsupport.MutableClock;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** The registry's HTTP contract, over real HTTP, with the memory store. */
@MemoryRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryHttpTests {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    LeaseSweeper sweeper;

    Http http;
    String serviceKey;
    String otherServiceKey;
    String clientKey;

    @BeforeAll
    void keys() {
        http = new Http("http://127.0.0.1:" + port);
        serviceKey = createKey(
                "calculator-svc",
                List.of(
                        "reg",
                        "anon-agent",
                        "owner",
                        "thief",
                        "ssrf",
                        "disc",
                        "disc-agent",
                        "exp",
                        "status-agent",
                        "joined",
                        "owned",
                        "renew",
                        "kind",
                        "loop",
                        "self"),
                List.of("TOOL", "AGENT"));
        otherServiceKey = createKey("other-svc", List.of("joined", "owned"), List.of("TOOL"));
        clientKey = createKey("console", "client");
    }

    String createKey(String name, String role) {
        Http.Response response = http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", name, "roles", List.of(role)));
        assertThat(response.status()).isEqualTo(201);
        return response.as(ApiKeyCreated.class).key();
    }

    String createKey(String name, List<String> services, List<String> kinds) {
        Http.Response response = http.post(
                "/api/v1/keys",
                ADMIN_KEY,
                Map.of("name", name, "roles", List.of("service"), "services", services, "kinds", kinds));
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.as(ApiKeyCreated.class).key();
    }

    Http.Response register(ServiceRegistration registration, String key) {
        return http.post("/api/v1/instances", key, registration);
    }

    static void assertProblem(Http.Response response, int status, String type) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asString()).isEqualTo("urn:agentforge:problem:" + type);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).isNotBlank();
    }

    @Nested
    class Security {

        @Test
        void requestsWithoutAKeyAreUnauthorized() {
            Http.Response response = http.get("/api/v1/catalog", null);

            assertProblem(response, 401, "unauthorized");
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
        }

        @Test
        void aWrongOrMalformedKeyIsUnauthorized() {
            assertProblem(
                    http.get("/api/v1/catalog", "af_testadmin01_wrongsecretwrongsecretwrongsecret"),
                    401,
                    "unauthorized");
            assertProblem(http.get("/api/v1/catalog", "not-a-key"), 401, "unauthorized");
            assertProblem(
                    http.get("/api/v1/catalog", null, "X-API-Key", "af_nosuchkey_abcdefghijklmnopqrstuvwxyz"),
                    401,
                    "unauthorized");
        }

        @Test
        void theKeyMayAlsoBeSentAsXApiKey() {
            assertThat(http.get("/api/v1/catalog", null, "X-API-Key", clientKey).status())
                    .isEqualTo(200);
        }

        @Test
        void aClientKeyCannotRegister() {
            assertProblem(register(tool("sec-1", "sec"), clientKey), 403, "forbidden");
        }

        @Test
        void keysProvisionedFromConfigurationWorkWithTheirRoles() {
            assertThat(register(tool("cfg-1", "cfg"), TestRegistryConfiguration.CONFIGURED_SERVICE_KEY)
                            .status())
                    .isEqualTo(201);
            assertProblem(
                    register(tool("cfg-2", "cfg"), TestRegistryConfiguration.CONFIGURED_CLIENT_KEY), 403, "forbidden");
            assertThat(http.get("/api/v1/catalog", TestRegistryConfiguration.CONFIGURED_CLIENT_KEY)
                            .status())
                    .isEqualTo(200);
            assertThat(http.get("/api/v1/keys", ADMIN_KEY).body())
                    .contains("cfgservice1", "configured-tool", "cfgclient01")
                    .doesNotContain("configured-service-secret");
            assertThat(http.delete("/api/v1/instances/cfg-1", TestRegistryConfiguration.CONFIGURED_SERVICE_KEY)
                            .status())
                    .isEqualTo(204);
        }

        @Test
        void anotherServiceKeyCannotJoinAServiceThatIsRegistered() {
            assertThat(register(tool("joined-1", "joined"), serviceKey).status())
                    .isEqualTo(201);

            assertProblem(register(tool("joined-2", "joined"), otherServiceKey), 403, "name-owned");
            assertThat(register(tool("joined-3", "joined"), serviceKey).status())
                    .isEqualTo(201);
            assertThat(register(tool("joined-4", "joined"), ADMIN_KEY).status()).isEqualTo(201);

            for (String id : List.of("joined-1", "joined-3", "joined-4")) {
                assertThat(http.delete("/api/v1/instances/" + id, ADMIN_KEY).status())
                        .isEqualTo(204);
            }
            Http.Response squat = register(tool("joined-5", "joined"), otherServiceKey);
            assertProblem(squat, 403, "name-owned");
            assertThat(squat.json().get("detail").asString())
                    .as("a name stays with its key while no instance is live")
                    .contains("owned by another API key", "DELETE /api/v1/services/joined/owner")
                    .doesNotContain(serviceKey.substring(3, 15));

            assertProblem(http.delete("/api/v1/services/joined/owner", serviceKey), 403, "forbidden");
            assertThat(http.delete("/api/v1/services/joined/owner", ADMIN_KEY).status())
                    .isEqualTo(204);
            assertThat(register(tool("joined-5", "joined"), otherServiceKey).status())
                    .as("a released name is claimed by the next registration")
                    .isEqualTo(201);
            assertProblem(register(tool("joined-6", "joined"), serviceKey), 403, "name-owned");
            assertProblem(http.delete("/api/v1/services/joined/owner", ADMIN_KEY), 409, "name-in-use");
            assertThat(http.delete("/api/v1/instances/joined-5", ADMIN_KEY).status())
                    .isEqualTo(204);
        }

        @Test
        void aServiceKeyCannotManageKeys() {
            assertProblem(http.get("/api/v1/keys", serviceKey), 403, "forbidden");
        }

        @Test
        void onlyTheRegisteringKeyOrAnAdminMayRenewOrDeregister() {
            assertThat(register(tool("owned-1", "owned"), serviceKey).status()).isEqualTo(201);

            assertProblem(http.put("/api/v1/instances/owned-1/lease", otherServiceKey), 403, "forbidden");
            assertProblem(http.delete("/api/v1/instances/owned-1", otherServiceKey), 403, "forbidden");
            assertProblem(register(tool("owned-1", "owned"), otherServiceKey), 403, "forbidden");
            assertThat(http.put("/api/v1/instances/owned-1/lease", serviceKey).status())
                    .isEqualTo(200);
            assertThat(http.put("/api/v1/instances/owned-1/lease", ADMIN_KEY).status())
                    .isEqualTo(200);
            assertThat(http.delete("/api/v1/instances/owned-1", ADMIN_KEY).status())
                    .isEqualTo(204);
        }

        @Test
        void healthMetricsAndApiDocsArePublic() {
            assertThat(http.get("/actuator/health/readiness", null).status()).isEqualTo(200);
            assertThat(http.get("/actuator/health/liveness", null).status()).isEqualTo(200);
            assertThat(http.get("/actuator/prometheus", null).body())
                    .contains("agentforge_registry_instances", "agentforge_registry_feed_subscribers");
            JsonNode docs = http.get("/v3/api-docs", null).json();
            assertThat(docs.get("paths").propertyNames())
                    .contains(
                            "/api/v1/instances",
                            "/api/v1/instances/{instanceId}/lease",
                            "/api/v1/catalog",
                            "/api/v1/events",
                            "/api/v1/status",
                            "/api/v1/keys",
                            "/api/v1/auth/introspect",
                            "/api/v1/services");
        }

        @Test
        void everyRegistryMetricTheDashboardAndAlertsUseIsExported() throws Exception {
            // deploy/observability/exported-metrics.txt: the names forge-deploy lets the dashboard and alerts use.
            List<String> listed =
                    Files.readAllLines(Path.of("..", "deploy", "observability", "exported-metrics.txt")).stream()
                            .filter(line -> !line.isBlank() && !line.startsWith("#"))
                            .map(line -> line.trim().split("\\s+"))
                            .filter(fields -> fields[1].equals("registry"))
                            .map(fields -> fields[0])
                            .toList();
            assertThat(listed).contains("agentforge_registry_self_preservation", "agentforge_registry_instances");
            http.get("/api/v1/status", null); // at least one observed request: http_server_requests_*
            Set<String> scraped = http.get("/actuator/prometheus", null)
                    .body()
                    .lines()
                    .filter(line -> !line.startsWith("#") && !line.isBlank())
                    .map(line -> line.split("[{ ]", 2)[0])
                    .collect(Collectors.toSet());
            assertThat(scraped).containsAll(listed);
        }

        @Test
        void otherActuatorEndpointsNeedAdmin() {
            assertProblem(http.get("/actuator/metrics", clientKey), 403, "forbidden");
            assertThat(http.get("/actuator/metrics", ADMIN_KEY).status()).isEqualTo(200);
        }
    }

    @Nested
    class ScopedKeys {

        @Test
        void aNameOutsideTheKeysScopeIsRefusedWithTheNamesItMayUse() {
            String key = createKey("weather-svc", List.of("weather", "weather-*"), List.of("TOOL"));

            Http.Response response = register(tool("calc-9", "calculator-x"), key);

            assertProblem(response, 403, "out-of-scope");
            assertThat(response.json().get("detail").asString()).contains("'calculator-x'", "weather, weather-*");
        }

        @Test
        void aGlobCoversEveryNameWithItsPrefix() {
            String key = createKey("globbed-svc", List.of("glob-*"), List.of("TOOL"));

            assertThat(register(tool("glob-a-1", "glob-a"), key).status()).isEqualTo(201);
            assertThat(register(tool("glob-b-1", "glob-b"), key).status()).isEqualTo(201);
            assertProblem(register(tool("globx-1", "globx"), key), 403, "out-of-scope");
            for (String id : List.of("glob-a-1", "glob-b-1")) {
                assertThat(http.delete("/api/v1/instances/" + id, key).status()).isEqualTo(204);
            }
        }

        @Test
        void aToolKeyCannotRegisterAnAgent() {
            String key = createKey("fake-agent-svc", List.of("fake-agent"), List.of("TOOL"));

            Http.Response response = register(agent("fake-agent-1", "fake-agent"), key);

            assertProblem(response, 403, "out-of-scope");
            assertThat(response.json().get("detail").asString()).contains("AGENT", "TOOL");
            assertThat(http.get("/api/v1/services?kind=AGENT", clientKey).body())
                    .doesNotContain("fake-agent");
        }

        @Test
        void aNameOwnedAsAToolCannotBecomeAnAgent() {
            assertThat(register(tool("kind-1", "kind"), serviceKey).status()).isEqualTo(201);

            Http.Response response = register(agent("kind-2", "kind"), serviceKey);

            assertProblem(response, 409, "kind-conflict");
            assertThat(response.json().get("detail").asString()).contains("TOOL", "AGENT");
            assertThat(http.delete("/api/v1/instances/kind-1", serviceKey).status())
                    .isEqualTo(204);
        }

        @Test
        void releasingANameNobodyOwnsIsNotFoundAndABadNameIsInvalid() {
            assertProblem(http.delete("/api/v1/services/never-registered/owner", ADMIN_KEY), 404, "not-found");
            assertProblem(http.delete("/api/v1/services/Bad_Name/owner", ADMIN_KEY), 400, "validation");
        }

        @Test
        void keysShowTheirScopeAndAServiceKeyWithoutOneIsRefused() {
            Http.Response created = http.post(
                    "/api/v1/keys",
                    ADMIN_KEY,
                    Map.of("name", "scoped", "roles", List.of("service"), "services", List.of("scoped-*")));
            ApiKeyCreated key = created.as(ApiKeyCreated.class);

            assertThat(key.services()).containsExactly("scoped-*");
            assertThat(key.kinds()).containsExactly(io.agentforge.registry.api.ServiceKind.TOOL);
            JsonNode listed = http.get("/api/v1/keys", ADMIN_KEY)
                    .json()
                    .valueStream()
                    .filter(k -> k.get("keyId").asString().equals(key.keyId()))
                    .findFirst()
                    .orElseThrow();
            assertThat(listed.get("services").get(0).asString()).isEqualTo("scoped-*");
            assertThat(listed.get("kinds").get(0).asString()).isEqualTo("TOOL");
            Http.Response unscoped =
                    http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "unscoped", "roles", List.of("service")));
            assertProblem(unscoped, 400, "validation");
            assertThat(unscoped.json().get("detail").asString()).contains("services", "required");
            assertProblem(
                    http.post(
                            "/api/v1/keys",
                            ADMIN_KEY,
                            Map.of("name", "glob", "roles", List.of("service"), "services", List.of("*"))),
                    400,
                    "validation");
        }
    }

    @Nested
    class Keys {

        @Test
        void aCreatedKeyIsShownOnceListedWithoutSecretAndUnusableOnceRevoked() {
            Http.Response created =
                    http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "temp", "roles", List.of("client")));
            ApiKeyCreated key = created.as(ApiKeyCreated.class);
            assertThat(key.key()).startsWith("af_" + key.keyId() + "_");
            assertThat(created.header("Cache-Control")).contains("no-store");
            assertThat(http.get("/api/v1/status", key.key()).status()).isEqualTo(200);

            Http.Response list = http.get("/api/v1/keys", ADMIN_KEY);
            assertThat(list.body())
                    .contains(key.keyId())
                    .doesNotContain(key.key().substring(20));

            assertThat(http.delete("/api/v1/keys/" + key.keyId(), ADMIN_KEY).status())
                    .isEqualTo(204);
            assertProblem(http.get("/api/v1/status", key.key()), 401, "unauthorized");
            assertProblem(http.delete("/api/v1/keys/" + key.keyId(), ADMIN_KEY), 404, "not-found");
        }

        @Test
        void introspectionTellsServicesWhoIsCalling() {
            JsonNode active = http.post("/api/v1/auth/introspect", serviceKey, Map.of("key", clientKey))
                    .json();
            JsonNode inactive = http.post(
                            "/api/v1/auth/introspect",
                            serviceKey,
                            Map.of("key", "af_nosuchkey_abcdefghijklmnopqrstuvwxyz"))
                    .json();

            assertThat(active.get("active").asBoolean()).isTrue();
            assertThat(active.get("principal").asString()).isEqualTo("console");
            assertThat(active.get("roles").get(0).asString()).isEqualTo("client");
            assertThat(active.get("services").isEmpty()).isTrue();
            JsonNode scoped = http.post("/api/v1/auth/introspect", serviceKey, Map.of("key", serviceKey))
                    .json();
            assertThat(scoped.get("services").get(0).asString()).isEqualTo("reg");
            assertThat(inactive.get("active").asBoolean()).isFalse();
            assertProblem(http.post("/api/v1/auth/introspect", clientKey, Map.of("key", clientKey)), 403, "forbidden");
        }

        @Test
        void unknownRolesAreRefused() {
            assertProblem(
                    http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "x1", "roles", List.of("root"))),
                    400,
                    "validation");
            assertProblem(
                    http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "x1", "roles", List.of())), 400, "validation");
        }
    }

    @Nested
    class Registration {

        @Test
        void registeringCreatesThenUpdates() {
            Http.Response created = register(tool("reg-1", "reg", "reg_add"), serviceKey);
            Http.Response updated = register(tool("reg-1", "reg", "reg_add", "reg_sub"), serviceKey);

            assertThat(created.status()).isEqualTo(201);
            assertThat(created.header("Location")).endsWith("/api/v1/instances/reg-1");
            assertThat(created.as(Instance.class).expiresAt())
                    .isEqualTo(clock.instant().plusSeconds(30));
            assertThat(updated.status()).isEqualTo(200);
            assertThat(http.get("/api/v1/instances/reg-1", clientKey)
                            .as(Instance.class)
                            .functions())
                    .hasSize(2);
        }

        @Test
        void anInstanceIdIsGeneratedWhenAbsent() {
            Instance instance = register(agent(null, "anon-agent"), serviceKey).as(Instance.class);

            assertThat(instance.instanceId()).startsWith("anon-agent-");
        }

        @Test
        void aFunctionOfAnotherServiceIsAConflict() {
            register(tool("owner-1", "owner", "owner_fn"), serviceKey);

            Http.Response response = register(tool("thief-1", "thief", "owner_fn"), serviceKey);

            assertProblem(response, 409, "function-conflict");
            assertThat(response.json().get("detail").asString()).contains("owner_fn", "'owner'");
        }

        @Test
        void linkLocalAndMetadataEndpointsAreRefused() {
            for (String endpoint :
                    List.of("http://169.254.169.254", "http://[fe80::1]:8080", "http://metadata.google.internal")) {
                ServiceRegistration registration = new ServiceRegistration(
                        "ssrf-1",
                        "ssrf",
                        io.agentforge.registry.api.ServiceKind.AGENT,
                        null,
                        null,
                        endpoint,
                        null,
                        null,
                        null,
                        null,
                        null);
                assertProblem(register(registration, serviceKey), 422, "endpoint-refused");
            }
        }

        @Test
        void loopbackEndpointsAreRefusedByDefault() {
            for (String endpoint : List.of("http://127.0.0.1:8083", "http://[::1]:8083", "http://localhost:8083")) {
                Http.Response response = register(
                        new ServiceRegistration(
                                "loop-1",
                                "loop",
                                io.agentforge.registry.api.ServiceKind.TOOL,
                                null,
                                null,
                                endpoint,
                                null,
                                null,
                                null,
                                null,
                                null),
                        serviceKey);

                assertProblem(response, 422, "endpoint-refused");
                assertThat(response.json().get("detail").asString())
                        .as(endpoint)
                        .contains("loopback", "agentforge.registry.allow-loopback-endpoints");
            }
        }

        @Test
        void anEndpointPointingAtTheRegistryItselfIsRefused() {
            Http.Response response = register(
                    new ServiceRegistration(
                            "self-1",
                            "self",
                            io.agentforge.registry.api.ServiceKind.TOOL,
                            null,
                            null,
                            "http://127.0.0.1:" + port,
                            null,
                            null,
                            null,
                            null,
                            null),
                    serviceKey);

            assertProblem(response, 422, "endpoint-refused");
            assertThat(response.json().get("detail").asString()).contains("this registry itself");
        }

        @Test
        void renewalOfAnUnknownInstanceIsNotFoundSoTheClientReRegisters() {
            Http.Response response = http.put("/api/v1/instances/ghost-1/lease", serviceKey);

            assertProblem(response, 404, "not-found");
            assertThat(response.json().get("detail").asString()).contains("register it again");
        }

        @Test
        void renewalExtendsTheLease() {
            register(tool("renew-1", "renew"), serviceKey);
            clock.advance(Duration.ofSeconds(10));

            Lease lease =
                    http.put("/api/v1/instances/renew-1/lease", serviceKey).as(Lease.class);

            assertThat(lease.expiresAt()).isEqualTo(clock.instant().plusSeconds(30));
            assertThat(lease.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
        }
    }

    @Nested
    class BadInput {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                malformed JSON           | {"name":                                                       | 400 | malformed-request
                not an object            | [1,2]                                                          | 400 | malformed-request
                empty body               |                                                                | 400 | malformed-request
                wrong type               | {"name":"bad","kind":"TOOL","endpoint":"http://a","capabilities":"x"} | 400 | malformed-request
                unknown enum value       | {"name":"bad","kind":"ROBOT","endpoint":"http://a"}            | 400 | malformed-request
                bad duration             | {"name":"bad","kind":"TOOL","endpoint":"http://a","leaseDuration":"soon"} | 400 | malformed-request
                lease too long           | {"name":"bad","kind":"TOOL","endpoint":"http://a","leaseDuration":"2h"} | 400 | validation
                bad service name         | {"name":"Bad Name","kind":"TOOL","endpoint":"http://a"}        | 400 | validation
                missing kind             | {"name":"bad","endpoint":"http://a"}                           | 400 | validation
                relative endpoint        | {"name":"bad","kind":"TOOL","endpoint":"/x"}                   | 400 | validation
                ftp endpoint             | {"name":"bad","kind":"TOOL","endpoint":"ftp://a"}              | 400 | validation
                endpoint with userinfo   | {"name":"bad","kind":"TOOL","endpoint":"http://u:p@a"}         | 400 | validation
                bad function name        | {"name":"bad","kind":"TOOL","endpoint":"http://a","functions":[{"name":"Bad-Fn","description":"d"}]} | 400 | validation
                function without desc    | {"name":"bad","kind":"TOOL","endpoint":"http://a","functions":[{"name":"bad_fn"}]} | 400 | validation
                agent with functions     | {"name":"bad","kind":"AGENT","endpoint":"http://a","functions":[{"name":"bad_fn","description":"d"}]} | 400 | validation
                health path to elsewhere | {"name":"bad","kind":"TOOL","endpoint":"http://a","healthCheck":{"path":"//evil.example/x"}} | 400 | validation
                health path with dots    | {"name":"bad","kind":"TOOL","endpoint":"http://a","healthCheck":{"path":"/a/../../x"}} | 400 | validation
                bad instance id          | {"instanceId":"../etc","name":"bad","kind":"TOOL","endpoint":"http://a"} | 400 | validation
                """)
        void registrationsThatBreakTheContractAreRefusedWithAProblem(
                String label, String body, int status, String type) {
            assertProblem(http.post("/api/v1/instances", serviceKey, body == null ? "" : body), status, type);
        }

        @Test
        void tooManyFunctionsAreRefused() {
            StringBuilder functions = new StringBuilder();
            for (int i = 0; i < 65; i++) {
                functions
                        .append(i == 0 ? "" : ",")
                        .append("{\"name\":\"f")
                        .append(i)
                        .append("\",\"description\":\"d\"}");
            }
            Http.Response response = http.post(
                    "/api/v1/instances",
                    serviceKey,
                    "{\"name\":\"many\",\"kind\":\"TOOL\",\"endpoint\":\"http://a\",\"functions\":[" + functions
                            + "]}");

            assertProblem(response, 400, "validation");
            assertThat(response.json().get("detail").asString()).contains("functions", "64");
        }

        @Test
        void deeplyNestedSchemasAreRefused() {
            String schema = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
            Http.Response response = http.post(
                    "/api/v1/instances",
                    serviceKey,
                    "{\"name\":\"deep\",\"kind\":\"TOOL\",\"endpoint\":\"http://a\",\"functions\":[{\"name\":\"deep_fn\","
                            + "\"description\":\"d\",\"inputSchema\":" + schema + "}]}");

            assertProblem(response, 400, "validation");
            assertThat(response.json().get("detail").asString()).contains("nested deeper");
        }

        @Test
        void anOversizedBodyIsRefusedByItsLength() {
            String body = "{\"name\":\"" + "a".repeat(300_000) + "\"}";

            assertProblem(http.post("/api/v1/instances", serviceKey, body), 413, "payload-too-large");
        }

        @Test
        void anOversizedChunkedBodyIsRefusedWhileReading() {
            String body = "{\"name\":\"big\",\"kind\":\"TOOL\",\"endpoint\":\"http://a\",\"description\":\""
                    + "a".repeat(300_000) + "\"}";
            HttpRequest.Builder request = http.request("/api/v1/instances", serviceKey)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(body.getBytes())));

            assertProblem(http.send(request), 413, "payload-too-large");
        }

        @Test
        void wrongMediaTypeMethodAndRouteAreProblems() {
            assertProblem(
                    http.send(http.request("/api/v1/instances", serviceKey)
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("x"))),
                    415,
                    "unsupported-media-type");
            assertProblem(
                    http.send(http.request("/api/v1/catalog", clientKey)
                            .method("PATCH", HttpRequest.BodyPublishers.noBody())),
                    405,
                    "method-not-allowed");
            assertProblem(http.get("/api/v1/nothing-here", clientKey), 404, "not-found");
        }

        @Test
        void badIdsAndQueryParametersAreRefused() {
            assertProblem(http.get("/api/v1/instances/%20bad%20", clientKey), 400, "validation");
            assertProblem(http.get("/api/v1/services?kind=ROBOT", clientKey), 400, "validation");
            assertProblem(http.get("/api/v1/services?status=SIDEWAYS", clientKey), 400, "validation");
            assertProblem(http.get("/api/v1/services?capability=NOT%20OK", clientKey), 400, "validation");
            assertProblem(http.get("/api/v1/events", clientKey, "Last-Event-ID", "yesterday"), 400, "validation");
            assertProblem(http.delete("/api/v1/keys/NOT_AN_ID", ADMIN_KEY), 400, "validation");
        }

        @Test
        void brokenEscapesInTheQueryStringAreBadRequestsAlsoForTheEventStream() throws Exception {
            for (String request : List.of("GET /api/v1/services?kind=%zz", "GET /api/v1/events?after=%zz")) {
                try (var socket = new java.net.Socket("127.0.0.1", port)) {
                    socket.getOutputStream()
                            .write((request + " HTTP/1.1\r\nHost: localhost\r\n"
                                            + "Accept: text/event-stream, application/json\r\nAuthorization: Bearer "
                                            + clientKey
                                            + "\r\nConnection: close\r\n\r\n")
                                    .getBytes());
                    String response = new String(socket.getInputStream().readAllBytes());

                    assertThat(response).as(request).startsWith("HTTP/1.1 400");
                    assertThat(response)
                            .as(request)
                            .contains("application/problem+json", "urn:agentforge:problem:malformed-request");
                }
            }
        }

        @Test
        void theErrorPathAskedForDirectlyIsNotFound() {
            assertProblem(http.get("/error", null), 404, "not-found");
        }

        @Test
        void requestsTheServletContainerRejectsAreProblemsToo() throws Exception {
            // HTTP clients refuse to send a broken escape, so write the request by hand.
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                socket.getOutputStream()
                        .write(("GET /api/v1/instances/%zz HTTP/1.1\r\nHost: localhost\r\n" + "Authorization: Bearer "
                                        + clientKey + "\r\nConnection: close\r\n\r\n")
                                .getBytes());
                String response = new String(socket.getInputStream().readAllBytes());

                assertThat(response).startsWith("HTTP/1.1 400");
                assertThat(response).contains("application/problem+json", "urn:agentforge:problem:");
            }
        }

        @Test
        void anIntrospectionWithoutAKeyIsRefused() {
            assertProblem(http.post("/api/v1/auth/introspect", serviceKey, "{}"), 400, "validation");
        }
    }

    @Nested
    class Discovery {

        @BeforeEach
        void tools() {
            register(tool("disc-1", "disc", "disc_lookup"), serviceKey);
            register(tool("disc-2", "disc", "disc_lookup"), serviceKey);
            register(agent("disc-agent-1", "disc-agent"), serviceKey);
        }

        @org.junit.jupiter.api.AfterEach
        void removeExtraInstance() {
            http.delete("/api/v1/instances/disc-3", ADMIN_KEY);
        }

        @Test
        void theCatalogListsFunctionsOfUpToolsWithTheirEndpointsAndAnIndex() {
            Catalog catalog = http.get("/api/v1/catalog", clientKey).as(Catalog.class);

            assertThat(catalog.index()).containsEntry("disc_lookup", "disc");
            assertThat(catalog.functions())
                    .filteredOn(f -> f.name().equals("disc_lookup"))
                    .singleElement()
                    .satisfies(f -> assertThat(f.inputSchema()).containsKey("properties"));
            assertThat(catalog.services())
                    .filteredOn(s -> s.name().equals("disc"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.instances()).hasSize(2));
            assertThat(catalog.services()).noneMatch(s -> s.name().equals("disc-agent"));
        }

        @Test
        void anUnchangedCatalogAnswers304ToItsETag() {
            Http.Response first = http.get("/api/v1/catalog", clientKey);
            String etag = first.header("ETag");

            Http.Response again = http.get("/api/v1/catalog", clientKey, "If-None-Match", etag);
            assertThat(again.status()).isEqualTo(304);
            assertThat(again.body()).isEmpty();

            register(tool("disc-3", "disc", "disc_lookup"), serviceKey);
            Http.Response changed = http.get("/api/v1/catalog", clientKey, "If-None-Match", etag);
            assertThat(changed.status()).isEqualTo(200);
            assertThat(changed.header("ETag")).isNotEqualTo(etag);
        }

        @Test
        void aDownInstanceIsNotOfferedAndAToolWithoutUpInstancesLeavesTheCatalog(
                @Autowired io.agentforge.registry.instance.InstanceStore store) {
            store.changeStatus("disc-1", io.agentforge.registry.api.InstanceStatus.DOWN, clock.instant());
            Catalog catalog = http.get("/api/v1/catalog", clientKey).as(Catalog.class);
            assertThat(catalog.services())
                    .filteredOn(s -> s.name().equals("disc"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.instances())
                            .extracting(Catalog.CatalogEndpoint::instanceId)
                            .containsExactly("disc-2"));

            store.changeStatus("disc-2", io.agentforge.registry.api.InstanceStatus.DOWN, clock.instant());

            assertThat(http.get("/api/v1/catalog", clientKey).as(Catalog.class).index())
                    .doesNotContainKey("disc_lookup");
            store.changeStatus("disc-1", io.agentforge.registry.api.InstanceStatus.UP, clock.instant());
            store.changeStatus("disc-2", io.agentforge.registry.api.InstanceStatus.UP, clock.instant());
        }

        @Test
        void servicesCanBeFilteredByNameKindCapabilityAndStatus() {
            JsonNode byKind = http.get("/api/v1/services?kind=AGENT", clientKey).json();
            JsonNode byName =
                    http.get("/api/v1/services?name=disc&status=UP", clientKey).json();
            JsonNode byCapability =
                    http.get("/api/v1/services?capability=chat", clientKey).json();
            JsonNode none = http.get("/api/v1/services?name=disc&status=DOWN", clientKey)
                    .json();

            assertThat(byKind.valueStream().map(s -> s.get("kind").asString())).containsOnly("AGENT");
            assertThat(byName).hasSize(1);
            assertThat(byName.get(0).get("instances")).hasSize(2);
            assertThat(byCapability.valueStream().map(s -> s.get("name").asString()))
                    .contains("disc-agent")
                    .doesNotContain("disc");
            assertThat(none).isEmpty();
        }

        @Test
        void discoveryShowsTheLatestRenewal() {
            clock.advance(Duration.ofSeconds(3));
            http.put("/api/v1/instances/disc-1/lease", serviceKey);

            JsonNode instance = http.get("/api/v1/services?name=disc", clientKey)
                    .json()
                    .get(0)
                    .get("instances")
                    .get(0);

            assertThat(instance.get("lastRenewal").asString())
                    .isEqualTo(clock.instant().toString());
        }
    }

    @Nested
    class Expiry {

        @Test
        void anInstanceThatStopsRenewingExpiresAndLeavesDiscovery() {
            register(tool("exp-1", "exp", "exp_fn"), serviceKey);
            // Keep everyone else alive: only exp-1 stops renewing.
            clock.advance(Duration.ofSeconds(31));
            renewAllBut("exp-1");

            sweeper.sweep();

            assertProblem(http.get("/api/v1/instances/exp-1", clientKey), 404, "not-found");
            assertThat(http.get("/api/v1/catalog", clientKey).as(Catalog.class).index())
                    .doesNotContainKey("exp_fn");
            assertProblem(http.put("/api/v1/instances/exp-1/lease", serviceKey), 404, "not-found");
        }

        private void renewAllBut(String instanceId) {
            JsonNode services = http.get("/api/v1/services", clientKey).json();
            services.valueStream()
                    .flatMap(s -> s.get("instances").valueStream())
                    .map(i -> i.get("instanceId").asString())
                    .filter(id -> !id.equals(instanceId))
                    .forEach(id -> http.put("/api/v1/instances/" + id + "/lease", ADMIN_KEY));
        }
    }

    @Nested
    class Status {

        @Test
        void statusReportsCountsStoreAndSelfPreservation() {
            register(agent("status-agent-1", "status-agent"), serviceKey);

            JsonNode status = http.get("/api/v1/status", clientKey).json();

            assertThat(status.get("store").asString()).isEqualTo("memory");
            assertThat(status.get("byKindAndStatus").get("AGENT").get("UP").asLong())
                    .isPositive();
            assertThat(status.get("selfPreservation").get("active").asBoolean()).isFalse();
            assertThat(status.get("lastEventId").asLong()).isPositive();
        }
    }
}
