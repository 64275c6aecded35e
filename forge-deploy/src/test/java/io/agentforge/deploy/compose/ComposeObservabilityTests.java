package io.agentforge.deploy.compose;

import static io.agentforge.deploy.compose.ComposeFile.APP_PORTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.agentforge.deploy.compose.ComposeFile.Service;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The optional `--profile observability` of docker-compose.yml, as docs/deploy-docker.md describes it. */
class ComposeObservabilityTests {

    private static final ComposeFile COMPOSE = ComposeFile.load();
    private static final ComposeFile RESOLVED = COMPOSE.interpolated(ComposeFile.exampleEnvWithSecrets());
    private static final Set<String> OBSERVABILITY = Set.of("otel-collector", "jaeger", "prometheus", "grafana");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode yaml(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    /** The host file of a {@code source:target[:mode]} bind mount, relative to the Compose file. */
    private static Path mountedFile(Service service, String target) {
        return service.strings("volumes").stream()
                .map(volume -> volume.split(":"))
                .filter(parts -> parts[1].equals(target))
                .map(parts -> ComposeFile.DIR.resolve(parts[0]).normalize())
                .findFirst()
                .orElseThrow(() -> new AssertionError(service.name() + " mounts nothing at " + target));
    }

    @Nested
    class TheProfile {

        @Test
        void holdsTheCollectorJaegerPrometheusAndGrafanaAndNothingElse() {
            assertThat(COMPOSE.profileServiceNames("observability")).containsExactlyInAnyOrderElementsOf(OBSERVABILITY);
            assertThat(COMPOSE.serviceNames()).doesNotContainAnyElementsOf(OBSERVABILITY);
        }

        @Test
        void pinsEveryImageToAVersion() {
            for (String name : OBSERVABILITY) {
                assertThat(COMPOSE.service(name).string("image").orElseThrow())
                        .as(name)
                        .matches("[a-z0-9./-]+:v?[0-9]+\\.[0-9]+\\.[0-9]+");
            }
        }

        @Test
        void publishesItsUisOnTheBindAddressOnlyAndNothingElse() {
            assertThat(RESOLVED.service("jaeger").strings("ports")).containsExactly("127.0.0.1:16686:16686");
            assertThat(RESOLVED.service("prometheus").strings("ports")).containsExactly("127.0.0.1:9090:9090");
            assertThat(RESOLVED.service("grafana").strings("ports")).containsExactly("127.0.0.1:3000:3000");
            assertThat(COMPOSE.service("otel-collector").strings("ports")).isEmpty();
        }

        @Test
        void onlyWhatMustReachTheServicesJoinsTheBackend() {
            assertThat(COMPOSE.service("otel-collector").networks()).containsExactly("backend");
            assertThat(COMPOSE.service("prometheus").networks()).containsExactlyInAnyOrder("backend", "observability");
            assertThat(COMPOSE.service("jaeger").networks()).containsExactlyInAnyOrder("backend", "observability");
            assertThat(COMPOSE.service("grafana").networks()).containsExactly("observability");
            assertThat(ComposeFile.asMap(COMPOSE.networks().get("observability")))
                    .doesNotContainKey("internal");
        }

        @Test
        void watchtowerLeavesItAlone() {
            for (String name : OBSERVABILITY) {
                assertThat(COMPOSE.service(name).labels())
                        .as(name)
                        .containsEntry("com.centurylinklabs.watchtower.enable", "false");
            }
        }

        @Test
        void grafanasAdminPasswordComesOnlyFromAVariable() {
            assertThat(COMPOSE.service("grafana").environment())
                    .containsEntry("GF_SECURITY_ADMIN_PASSWORD", "${GRAFANA_ADMIN_PASSWORD:-}")
                    .containsEntry("GF_USERS_ALLOW_SIGN_UP", "false");
        }
    }

    @Nested
    class Wiring {

        @Test
        void servicesSendTracesOnlyWhenTheEndpointIsSet() {
            for (String name : APP_PORTS.keySet()) {
                assertThat(COMPOSE.service(name).environment())
                        .as(name)
                        .containsEntry("AGENTFORGE_OTLP_ENDPOINT", "${AGENTFORGE_OTLP_ENDPOINT:-}");
                assertThat(RESOLVED.service(name).environment()).as(name).containsEntry("AGENTFORGE_OTLP_ENDPOINT", "");
            }
        }

        @Test
        void theCollectorReceivesOtlpHttpOnThePortTheDocsNameAndExportsToJaeger() throws IOException {
            JsonNode config = yaml(mountedFile(COMPOSE.service("otel-collector"), "/etc/otelcol/config.yaml"));
            assertThat(config.at("/receivers/otlp/protocols/http/endpoint").asText())
                    .isEqualTo("0.0.0.0:4318");
            assertThat(config.at("/exporters/otlp~1jaeger/endpoint").asText()).isEqualTo("jaeger:4317");
            assertThat(config.at("/service/pipelines/traces/exporters").get(0).asText())
                    .isEqualTo("otlp/jaeger");
        }

        @Test
        void prometheusScrapesTheActuatorEndpointOfEveryReplicaOfEachServiceThatHasOne() throws IOException {
            JsonNode config = yaml(mountedFile(COMPOSE.service("prometheus"), "/etc/prometheus/prometheus.yml"));
            List<String> targets = new ArrayList<>();
            for (JsonNode job : config.path("scrape_configs")) {
                assertThat(job.path("metrics_path").asText()).isEqualTo("/actuator/prometheus");
                JsonNode sd = job.path("dns_sd_configs").get(0);
                String service = sd.path("names").get(0).asText();
                assertThat(job.path("job_name").asText()).isEqualTo(service);
                assertThat(sd.path("type").asText()).isEqualTo("A");
                assertThat(sd.path("port").asInt()).as(service).isEqualTo(APP_PORTS.get(service));
                targets.add(service);
            }
            // The console exposes no /actuator/prometheus.
            assertThat(targets).containsExactlyInAnyOrder("registry", "agent", "calculator");
        }

        @Test
        void prometheusLoadsTheChartsAlertRulesAndKeepsExemplars() throws IOException {
            Service prometheus = COMPOSE.service("prometheus");
            assertThat(mountedFile(prometheus, "/etc/prometheus/rules/agent-forge-alerts.yaml"))
                    .isEqualTo(ComposeFile.DIR
                            .resolve("../helm/agent-forge/files/agent-forge-alerts.yaml")
                            .normalize())
                    .isRegularFile();
            JsonNode config = yaml(mountedFile(prometheus, "/etc/prometheus/prometheus.yml"));
            assertThat(config.path("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/rules/*.yaml");
            assertThat(prometheus.strings("command")).contains("--enable-feature=exemplar-storage");
        }

        @Test
        void grafanaProvisionsTheChartsDashboardAndBothDatasources() throws IOException {
            Service grafana = COMPOSE.service("grafana");
            assertThat(mountedFile(grafana, "/etc/grafana/dashboards/agent-forge.json"))
                    .isEqualTo(ComposeFile.DIR
                            .resolve("../helm/agent-forge/files/agent-forge-dashboard.json")
                            .normalize())
                    .isRegularFile();
            Path provisioning = mountedFile(grafana, "/etc/grafana/provisioning");
            JsonNode dashboards = yaml(provisioning.resolve("dashboards/agent-forge.yaml"));
            assertThat(dashboards.at("/providers/0/options/path").asText()).isEqualTo("/etc/grafana/dashboards");
            JsonNode datasources = yaml(provisioning.resolve("datasources/agent-forge.yaml"));
            Map<String, String> urls = new java.util.HashMap<>();
            datasources
                    .path("datasources")
                    .forEach(ds ->
                            urls.put(ds.path("uid").asText(), ds.path("url").asText()));
            assertThat(urls)
                    .containsExactlyInAnyOrderEntriesOf(
                            Map.of("prometheus", "http://prometheus:9090", "jaeger", "http://jaeger:16686"));
            assertThat(datasources
                            .at("/datasources/0/jsonData/exemplarTraceIdDestinations/0/datasourceUid")
                            .asText())
                    .isEqualTo("jaeger");
        }
    }
}
