package io.agentforge.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.FunctionMatch;
import io.agentforge.registry.api.SearchMode;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.support.BenchCatalog;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.TestPostgres;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Catalog search with the PostgreSQL store, one registry after another on the same database: vectors are written to
 * function_embeddings, a restart loads them instead of embedding again, and with embeddings switched off search
 * still works, by words.
 */
class CatalogSearchPostgresTests {

    private static final String ADMIN_KEY = "af_pgsearch001_abcdefghijklmnopqrstuvwxyz0123456789";

    private final String databaseUrl = TestPostgres.newDatabaseUrl();
    private final JdbcTemplate jdbc = new JdbcTemplate(TestPostgres.dataSource(databaseUrl));

    private ConfigurableApplicationContext start(boolean embeddings) {
        return new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--agentforge.registry.store=postgres",
                        "--spring.datasource.url=" + databaseUrl,
                        "--spring.datasource.username=postgres",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--agentforge.registry.search.embeddings.enabled=" + embeddings,
                        "--spring.jmx.enabled=false");
    }

    private static Http http(ConfigurableApplicationContext context) {
        return new Http("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    private static CatalogSearchResult search(Http http, String q) {
        Http.Response response = http.get("/api/v1/catalog/search?k=5&q=" + q.replace(" ", "+"), ADMIN_KEY);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.as(CatalogSearchResult.class);
    }

    private static void awaitAllEmbedded(Http http) {
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            CatalogSearchResult result = search(http, "anything");
            return result.mode() == SearchMode.HYBRID && result.pendingEmbeddings() == 0;
        });
    }

    private Map<String, Timestamp> storedEmbeddings() {
        return jdbc.queryForList("select function, updated_at from function_embeddings").stream()
                .collect(Collectors.toMap(
                        row -> (String) row.get("function"), row -> (Timestamp) row.get("updated_at")));
    }

    @Test
    void vectorsAreStoredSurviveARestartAndLexicalOnlyModeNeedsNone() {
        List<ServiceRegistration> registrations = BenchCatalog.registrations("calculator", "units");
        int functions =
                registrations.stream().mapToInt(r -> r.functions().size()).sum();
        Map<String, Timestamp> stored;
        try (ConfigurableApplicationContext first = start(true)) {
            Http http = http(first);
            String serviceKey = http.post(
                            "/api/v1/keys",
                            ADMIN_KEY,
                            Map.of(
                                    "name",
                                    "pg-search",
                                    "roles",
                                    List.of("service"),
                                    "services",
                                    List.of("calculator", "units")))
                    .as(ApiKeyCreated.class)
                    .key();
            registrations.forEach(r -> assertThat(
                            http.post("/api/v1/instances", serviceKey, r).status())
                    .isEqualTo(201));
            awaitAllEmbedded(http);

            stored = storedEmbeddings();
            assertThat(stored).hasSize(functions).containsKeys("calculator_evaluate", "units_convert");
            assertThat(jdbc.queryForObject(
                            "select array_length(vector, 1) from function_embeddings"
                                    + " where function = 'calculator_evaluate'",
                            Integer.class))
                    .isEqualTo(384);
        }

        try (ConfigurableApplicationContext lexicalOnly = start(false)) {
            CatalogSearchResult result = search(http(lexicalOnly), "convert miles to kilometers");

            assertThat(result.mode()).isEqualTo(SearchMode.LEXICAL);
            assertThat(result.pendingEmbeddings()).isZero();
            assertThat(result.matches().getFirst().name()).isEqualTo("units_convert");
            assertThat(result.matches())
                    .extracting(FunctionMatch::semanticScore)
                    .containsOnlyNulls();
        }

        try (ConfigurableApplicationContext restarted = start(true)) {
            Http http = http(restarted);
            awaitAllEmbedded(http);

            CatalogSearchResult result = search(http, "compute (3+4)*2");
            assertThat(result.matches().getFirst().name()).isEqualTo("calculator_evaluate");
            assertThat(result.matches().getFirst().semanticScore()).isNotNull();
            // Loaded, not embedded again: every row is as the first registry wrote it.
            assertThat(storedEmbeddings()).isEqualTo(stored);
        }
    }
}
