package io.agentforge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alert rules: they parse, and every query names only metrics the services
 * export (deploy/observability/exported-metrics.txt, whose registry lines forge-registry checks against a scrape).
 */
class ObservabilityFilesTests {

    private static final Map<String, String> EXPORTED = ObservabilityFiles.exportedMetrics();

    @Nested
    class ReadingPromQl {

        @Test
        void findsTheMetricsBehindFunctionsMatchersRangesAndGrouping() {
            assertThat(ObservabilityFiles.metricNames(
                            "histogram_quantile(0.95, sum by (function, le) (rate(a_seconds_bucket{outcome!=\"x y\"}[5m])))"
                                    + " / sum without (instance) (b_total) > 0.5 and on (job) c"))
                    .containsExactly("a_seconds_bucket", "b_total", "c");
        }

        @Test
        void ignoresKeywordsNumbersAndGrafanaVariables() {
            assertThat(
                            ObservabilityFiles.metricNames(
                                    "(sum(up{job=~\"(.+-)?registry\"}) or vector(0)) == 0 unless rate(x[$__rate_interval]) > 1e3"))
                    .containsExactly("up", "x");
        }
    }

    @Nested
    class TheDashboard {

        @Test
        void isAGrafanaDashboardWithAStableUidAndAPrometheusDatasourceVariable() {
            JsonNode dashboard = ObservabilityFiles.dashboard();
            assertThat(dashboard.path("uid").asText()).isEqualTo("agent-forge");
            assertThat(dashboard.path("title").asText()).isEqualTo("Agent Forge");
            assertThat(dashboard
                            .path("templating")
                            .path("list")
                            .get(0)
                            .path("query")
                            .asText())
                    .isEqualTo("prometheus");
        }

        @Test
        void everyPanelHasAQueryAndUsesTheDatasourceVariable() {
            for (JsonNode panel : ObservabilityFiles.dashboard().path("panels")) {
                if ("row".equals(panel.path("type").asText())) {
                    continue;
                }
                String title = panel.path("title").asText();
                assertThat(panel.path("datasource").path("uid").asText())
                        .as(title)
                        .isEqualTo("${datasource}");
                assertThat(panel.path("targets")).as(title).isNotEmpty();
                panel.path("targets")
                        .forEach(target -> assertThat(target.path("expr").asText())
                                .as(title)
                                .isNotBlank());
            }
        }

        @Test
        void panelIdsAreUniqueAndPanelsDoNotOverlap() {
            Set<Integer> ids = new HashSet<>();
            Set<String> cells = new HashSet<>();
            for (JsonNode panel : ObservabilityFiles.dashboard().path("panels")) {
                assertThat(ids.add(panel.path("id").asInt()))
                        .as("id " + panel.path("id"))
                        .isTrue();
                JsonNode grid = panel.path("gridPos");
                assertThat(grid.path("x").asInt() + grid.path("w").asInt()).isLessThanOrEqualTo(24);
                for (int x = grid.path("x").asInt();
                        x < grid.path("x").asInt() + grid.path("w").asInt();
                        x++) {
                    for (int y = grid.path("y").asInt();
                            y < grid.path("y").asInt() + grid.path("h").asInt();
                            y++) {
                        assertThat(cells.add(x + "," + y))
                                .as(panel.path("title").asText() + " overlaps at " + x + "," + y)
                                .isTrue();
                    }
                }
            }
        }

        @Test
        void coversWhatOperatorsAsk() {
            assertThat(ObservabilityFiles.dashboardQueries().keySet())
                    .contains(
                            "Registry replicas up",
                            "Catalog size (instances)",
                            "Self-preservation",
                            "Feed subscribers",
                            "Instances by kind and status",
                            "Lease churn",
                            "Calls per function",
                            "Errors by function and kind",
                            "p95 latency per instance",
                            "Question latency p50 / p95",
                            "Model turn latency p95 per model",
                            "Tokens per model");
        }

        @Test
        void everyQueryNamesOnlyExportedMetrics() {
            ObservabilityFiles.dashboardQueries().forEach((title, expressions) -> {
                for (String expression : expressions) {
                    assertThat(ObservabilityFiles.metricNames(expression))
                            .as(title + ": " + expression)
                            .isNotEmpty()
                            .allSatisfy(name -> assertThat(EXPORTED).containsKey(name));
                }
            });
        }
    }

    @Nested
    class TheAlertRules {

        @Test
        void areTheFiveAlertsEachWithADurationSeverityAndSummary() {
            assertThat(ObservabilityFiles.alertExpressions().keySet())
                    .containsExactlyInAnyOrder(
                            "AgentForgeRegistryDown",
                            "AgentForgeSelfPreservationActive",
                            "AgentForgeInstanceFlapping",
                            "AgentForgeToolErrorRate",
                            "AgentForgeAgentLatencyHigh");
            for (JsonNode group : ObservabilityFiles.alerts().path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    String alert = rule.path("alert").asText();
                    assertThat(rule.path("for").asText()).as(alert).matches("[0-9]+[smh]");
                    assertThat(rule.path("labels").path("severity").asText())
                            .as(alert)
                            .isIn("critical", "warning");
                    assertThat(rule.path("annotations").path("summary").asText())
                            .as(alert)
                            .isNotBlank();
                }
            }
        }

        @Test
        void everyExpressionNamesOnlyExportedMetrics() {
            ObservabilityFiles.alertExpressions()
                    .forEach((alert, expression) -> assertThat(ObservabilityFiles.metricNames(expression))
                            .as(alert + ": " + expression)
                            .isNotEmpty()
                            .allSatisfy(name -> assertThat(EXPORTED).containsKey(name)));
        }

        @Test
        void watchTheMetricsTheyAreNamedFor() {
            Map<String, String> alerts = ObservabilityFiles.alertExpressions();
            assertThat(ObservabilityFiles.metricNames(alerts.get("AgentForgeRegistryDown")))
                    .containsExactly("up");
            assertThat(alerts.get("AgentForgeRegistryDown"))
                    .contains("registry")
                    .contains("or vector(0)");
            assertThat(ObservabilityFiles.metricNames(alerts.get("AgentForgeSelfPreservationActive")))
                    .containsExactly("agentforge_registry_self_preservation");
            assertThat(alerts.get("AgentForgeInstanceFlapping")).contains("changes(agentforge_registry_instances");
            assertThat(ObservabilityFiles.metricNames(alerts.get("AgentForgeToolErrorRate")))
                    .containsExactly("agentforge_client_function_calls_seconds_count");
            assertThat(alerts.get("AgentForgeAgentLatencyHigh"))
                    .startsWith("histogram_quantile(0.95,")
                    .contains("agentforge_agent_questions_seconds_bucket");
        }
    }

    @Nested
    class TheExportedMetricsList {

        @Test
        void namesPrometheusSamplesOfAKnownExporter() {
            assertThat(EXPORTED).isNotEmpty();
            EXPORTED.forEach((name, exporter) -> {
                assertThat(name).matches("[a-z_:][a-z0-9_:]*");
                assertThat(exporter).as(name).isIn("prometheus", "registry", "agent", "calculator");
            });
        }

        @Test
        void listsNothingTheDashboardAndAlertsDoNotUse() {
            Set<String> used = new HashSet<>();
            ObservabilityFiles.dashboardQueries().values().stream()
                    .flatMap(List::stream)
                    .forEach(expression -> used.addAll(ObservabilityFiles.metricNames(expression)));
            ObservabilityFiles.alertExpressions()
                    .values()
                    .forEach(expression -> used.addAll(ObservabilityFiles.metricNames(expression)));
            assertThat(used).containsExactlyInAnyOrderElementsOf(EXPORTED.keySet());
        }
    }
}
