package io.agentforge.registry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

class WireContractTests {

    private final JsonMapper json = ForgeJacksonModule.mapper();

    @Nested
    class Durations {

        @ParameterizedTest
        @CsvSource({"30s,PT30S", "500ms,PT0.5S", "2m,PT2M", "1h,PT1H", "PT45S,PT45S"})
        void shortAndIsoFormsAreAccepted(String text, String iso) {
            assertThat(ForgeDurations.parse(text)).isEqualTo(Duration.parse(iso));
        }

        @ParameterizedTest
        @CsvSource({"PT30S,30s", "PT0.5S,500ms", "PT2M,2m", "PT1H,1h", "PT90S,90s", "PT0S,0s"})
        void responsesUseTheShortForm(String iso, String text) {
            assertThat(ForgeDurations.format(Duration.parse(iso))).isEqualTo(text);
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "soon", "30", "-5s", "1d", "99999999999s"})
        void anythingElseIsRefusedWithAHint(String text) {
            assertThatThrownBy(() -> ForgeDurations.parse(text)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void durationsRoundTripThroughJson() {
            Lease lease = new Lease("a-1", Duration.ofSeconds(30), null, null);

            String text = json.writeValueAsString(lease);

            assertThat(text).contains("\"leaseDuration\":\"30s\"");
            assertThat(json.readValue(text, Lease.class)).isEqualTo(lease);
        }
    }

    @Nested
    class Registrations {

        private ServiceRegistration registration(String endpoint) {
            return new ServiceRegistration(
                    null, "calculator", ServiceKind.TOOL, null, null, endpoint, null, null, null, null, null);
        }

        @Test
        void defaultsAreFilledIn() {
            ServiceRegistration registration = registration("http://10.0.0.5:8083/");

            assertThat(registration.endpoint()).as("trailing slash removed").isEqualTo("http://10.0.0.5:8083");
            assertThat(registration.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
            assertThat(registration.capabilities()).isEmpty();
            assertThat(registration.functions()).isEmpty();
            assertThat(registration.healthCheck())
                    .as("no probe unless asked for")
                    .isNull();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "10.0.0.5:8083",
                    "ftp://host",
                    "http://",
                    "http://u:p@host",
                    "http://h/?q=1",
                    "http://h/#f",
                    "http://bad host",
                    "http://h:99999",
                    "http://h:0"
                })
        void endpointsMustBePlainAbsoluteHttpUrls(String endpoint) {
            assertThatThrownBy(() -> registration(endpoint))
                    .isInstanceOf(InvalidFieldException.class)
                    .satisfies(
                            e -> assertThat(((InvalidFieldException) e).field()).isEqualTo("endpoint"));
        }

        @Test
        void collectionsAreCopiedSoCallersCannotChangeThemLater() {
            List<String> capabilities = new java.util.ArrayList<>(List.of("math"));
            ServiceRegistration registration = new ServiceRegistration(
                    null, "calculator", ServiceKind.TOOL, null, null, "http://h", capabilities, null, null, null, null);

            capabilities.add("other");

            assertThat(registration.capabilities()).containsExactly("math");
        }

        @Test
        void functionNamesMustBeUniqueWithinARegistration() {
            FunctionDescriptor add = new FunctionDescriptor("calc_add", "Adds", null, null);

            assertThatThrownBy(() -> new ServiceRegistration(
                            null,
                            "calc",
                            ServiceKind.TOOL,
                            null,
                            null,
                            "http://h",
                            null,
                            null,
                            List.of(add, add),
                            null,
                            null))
                    .hasMessageContaining("declared twice");
        }

        @Test
        void theProtocolDefaultsToForgeAndTravelsInLowerCase() {
            ServiceRegistration forge = json.readValue(
                    "{\"name\":\"calc\",\"kind\":\"TOOL\",\"endpoint\":\"http://h\"}", ServiceRegistration.class);
            ServiceRegistration mcp = json.readValue(
                    "{\"name\":\"files\",\"kind\":\"TOOL\",\"protocol\":\"mcp\",\"endpoint\":\"http://h/mcp\"}",
                    ServiceRegistration.class);

            assertThat(forge.protocol()).isEqualTo(ServiceProtocol.FORGE);
            assertThat(mcp.protocol()).isEqualTo(ServiceProtocol.MCP);
            assertThat(mcp.endpoint()).isEqualTo("http://h/mcp");
            assertThat(json.writeValueAsString(mcp)).contains("\"protocol\":\"mcp\"");
            assertThat(json.readValue(json.writeValueAsString(mcp), ServiceRegistration.class))
                    .isEqualTo(mcp);
        }

        @Test
        void anUnknownProtocolIsRefusedNamingTheField() {
            assertThatThrownBy(() -> json.readValue(
                            "{\"name\":\"calc\",\"kind\":\"TOOL\",\"protocol\":\"grpc\",\"endpoint\":\"http://h\"}",
                            ServiceRegistration.class))
                    .rootCause()
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("protocol")
                    .hasMessageContaining("grpc");
        }

        @Test
        void onlyAToolCanBeAnMcpServer() {
            assertThatThrownBy(() -> new ServiceRegistration(
                            null,
                            "helper",
                            ServiceKind.AGENT,
                            ServiceProtocol.MCP,
                            null,
                            null,
                            "http://h/mcp",
                            null,
                            null,
                            null,
                            null,
                            null))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("only a TOOL");
        }

        @Test
        void onlyFunctionsOfAnMcpInstanceCarryAnMcpName() {
            FunctionDescriptor imported = new FunctionDescriptor("files_read", "Reads", null, null, "readFile");

            assertThatThrownBy(() -> new ServiceRegistration(
                            null,
                            "files",
                            ServiceKind.TOOL,
                            null,
                            null,
                            "http://h",
                            null,
                            null,
                            List.of(imported),
                            null,
                            null))
                    .hasMessageContaining("functions[0].mcpName");
            assertThat(new ServiceRegistration(
                                    null,
                                    "files",
                                    ServiceKind.TOOL,
                                    ServiceProtocol.MCP,
                                    null,
                                    null,
                                    "http://h/mcp",
                                    null,
                                    null,
                                    List.of(imported),
                                    null,
                                    null)
                            .functions())
                    .extracting(FunctionDescriptor::mcpName)
                    .containsExactly("readFile");
            assertThat(json.writeValueAsString(new FunctionDescriptor("calc_add", "Adds", null, null)))
                    .as("a forge function's JSON has no mcpName")
                    .doesNotContain("mcpName");
            assertThat(json.writeValueAsString(imported)).contains("\"mcpName\":\"readFile\"");
        }

        @Test
        void schemasMayContainJsonNulls() {
            Map<String, Object> schema = new java.util.HashMap<>();
            schema.put("type", "object");
            schema.put("default", null);

            assertThat(new FunctionDescriptor("calc_add", "Adds", schema, null).inputSchema())
                    .containsEntry("default", null);
        }

        @ParameterizedTest
        @ValueSource(strings = {"//evil.example/health", "/a/../b", "health", "/x?y=1", "/%2e%2e/x"})
        void healthPathsCannotLeaveTheEndpoint(String path) {
            assertThatThrownBy(() -> new HealthCheck(path, null)).isInstanceOf(InvalidFieldException.class);
        }
    }

    @Nested
    class Roles {

        @Test
        void adminIncludesServiceWhichIncludesClient() {
            assertThat(Role.ADMIN.includes(Role.CLIENT)).isTrue();
            assertThat(Role.SERVICE.includes(Role.CLIENT)).isTrue();
            assertThat(Role.CLIENT.includes(Role.SERVICE)).isFalse();
            assertThat(Role.SERVICE.includes(Role.ADMIN)).isFalse();
        }

        @Test
        void rolesTravelInLowerCase() {
            assertThat(json.writeValueAsString(Role.SERVICE)).isEqualTo("\"service\"");
            assertThat(json.readValue("\"client\"", Role.class)).isEqualTo(Role.CLIENT);
        }

        @Test
        void secretsNeverAppearInToString() {
            ApiKeyCreated created = new ApiKeyCreated(
                    "abc12345", "x", java.util.Set.of(Role.CLIENT), null, "af_abc12345_supersecretsupersecret");

            assertThat(created.toString()).doesNotContain("supersecret");
            assertThat(new IntrospectionRequest("af_abc12345_supersecretsupersecret").toString())
                    .doesNotContain("supersecret");
        }
    }

    @Nested
    class ScopedKeys {

        @Test
        void aServiceKeyNeedsTheNamesItMayRegisterAndDefaultsToTools() {
            ApiKeyRequest request = json.readValue("""
                    {"name":"calculator","roles":["service"],"services":["calculator","calc-*"]}""", ApiKeyRequest.class);

            assertThat(request.services()).containsExactly("calculator", "calc-*");
            assertThat(request.kinds()).containsExactly(ServiceKind.TOOL);
            assertThatThrownBy(() -> new ApiKeyRequest("calculator", java.util.Set.of(Role.SERVICE)))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("services")
                    .hasMessageContaining("required");
        }

        @ParameterizedTest
        @ValueSource(strings = {"*", "Calc", "calc*x", "calc-**", "-calc", "c"})
        void servicePatternsAreNamesOrTrailingGlobs(String pattern) {
            assertThatThrownBy(() -> new ApiKeyRequest("k", java.util.Set.of(Role.SERVICE), List.of(pattern), null))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("services[0]");
        }

        @Test
        void adminAndClientKeysCarryNoScope() {
            assertThat(new ApiKeyRequest("root", java.util.Set.of(Role.ADMIN, Role.SERVICE)).kinds())
                    .isEmpty();
            assertThatThrownBy(() -> new ApiKeyRequest("ui", java.util.Set.of(Role.CLIENT), List.of("x1"), null))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("services");
            assertThatThrownBy(() -> new ApiKeyRequest(
                            "ui", java.util.Set.of(Role.CLIENT), null, java.util.Set.of(ServiceKind.AGENT)))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("kinds");
        }

        @Test
        void aKeyRevokedEventCarriesTheKeyIdAndNoInstance() {
            ChangeEvent event = new ChangeEvent(
                    7, ChangeType.KEY_REVOKED, java.time.Instant.parse("2026-01-01T00:00:00Z"), null, "abc12345");

            String text = json.writeValueAsString(event);

            assertThat(text)
                    .isEqualTo("{\"id\":7,\"type\":\"key-revoked\",\"at\":\"2026-01-01T00:00:00Z\","
                            + "\"keyId\":\"abc12345\"}");
            assertThat(json.readValue(text, ChangeEvent.class)).isEqualTo(event);
            assertThat(ChangeType.KEY_REVOKED.concernsInstance()).isFalse();
        }
    }

    @Nested
    class CatalogSearch {

        private FunctionMatch match(Double semantic) {
            return new FunctionMatch(
                    "calculator_add", "calculator", "Adds", Map.of("type", "object"), null, 0.5, 1.2, semantic);
        }

        @Test
        void aSearchResultRoundTripsWithItsModeAsAWireName() {
            CatalogSearchResult result =
                    new CatalogSearchResult(3, "add", SearchMode.HYBRID, 0, List.of(match(0.4), match(null)));

            String text = json.writeValueAsString(result);

            assertThat(text).contains("\"mode\":\"hybrid\"", "\"semanticScore\":null");
            assertThat(json.readValue(text, CatalogSearchResult.class)).isEqualTo(result);
            assertThat(SearchMode.fromWire("Lexical")).isEqualTo(SearchMode.LEXICAL);
        }

        @Test
        void scoresMustBeFiniteAndCosinesWithinMinusOneToOne() {
            assertThatThrownBy(() -> match(1.5))
                    .isInstanceOf(InvalidFieldException.class)
                    .hasMessageContaining("semanticScore");
            assertThatThrownBy(() ->
                            new FunctionMatch("calculator_add", "calculator", "Adds", null, null, Double.NaN, 0, null))
                    .hasMessageContaining("score");
            assertThatThrownBy(() -> new FunctionMatch("Not A Name", "calculator", "Adds", null, null, 0, 0, null))
                    .hasMessageContaining("name");
        }

        @Test
        void aResultHoldsAtMostAHundredMatchesAndAQueryOfAtMostAThousandCharacters() {
            List<FunctionMatch> many = java.util.Collections.nCopies(101, match(0.1));
            assertThatThrownBy(() -> new CatalogSearchResult(1, "q", SearchMode.LEXICAL, 0, many))
                    .hasMessageContaining("matches");
            assertThatThrownBy(() -> new CatalogSearchResult(1, "q".repeat(1001), SearchMode.LEXICAL, 0, List.of()))
                    .hasMessageContaining("query");
            assertThatThrownBy(() -> SearchMode.fromWire("fuzzy")).hasMessageContaining("hybrid, lexical, semantic");
        }
    }
}
