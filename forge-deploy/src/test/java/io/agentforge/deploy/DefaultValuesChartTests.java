package io.agentforge.deploy;

import static io.agentforge.deploy.RenderedChart.COMPONENTS;
import static io.agentforge.deploy.RenderedChart.container;
import static io.agentforge.deploy.RenderedChart.envVar;
import static io.agentforge.deploy.RenderedChart.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The chart as a plain `helm install` renders it, with the values.yaml defaults. */
class DefaultValuesChartTests extends ChartContractTests {

    private static final RenderedChart CHART = RenderedChart.render();

    /** What the chart generates: af_<12 of [a-z0-9]>_<40 of [A-Za-z0-9]>. */
    private static final String GENERATED_KEY = "af_[a-z0-9]{12}_[A-Za-z0-9]{40}";

    @Override
    RenderedChart chart() {
        return CHART;
    }

    @Override
    Set<String> externalSecrets() {
        return Set.of();
    }

    @Nested
    class Defaults {

        @Test
        void imagesComeFromGhcrTaggedWithTheAppVersion() {
            String appVersion = ChartFiles.chartYaml().get("appVersion").toString();
            for (String component : COMPONENTS) {
                assertThat(container(CHART.deployment(component)).getImage())
                        .isEqualTo("ghcr.io/agent-forge/forge-" + component + ":" + appVersion);
            }
        }

        @Test
        void theAdminKeyAndDatabasePasswordAreGeneratedWhenNotGiven() {
            assertThat(CHART.secretData(name("keys")).get("admin-key")).matches(API_KEY);
            assertThat(CHART.secretData(name("database")).get("password")).matches("[A-Za-z0-9]{32}");
            assertThat(CHART.secretData(name("database"))).containsEntry("username", "agentforge");
        }

        @Test
        void eachServiceGetsItsOwnGeneratedKeyInItsOwnSecretEntry() {
            Map<String, String> keys = CHART.secretData(name("keys"));
            assertThat(keys).containsOnlyKeys("admin-key", "agent-key", "calculator-key", "console-key", "gateway-key");
            assertThat(keys.values()).allSatisfy(key -> assertThat(key).matches(GENERATED_KEY));
            assertThat(keys.values().stream().map(key -> key.split("_")[1]).toList())
                    .doesNotHaveDuplicates();
            for (String component : List.of("agent", "calculator", "console", "gateway")) {
                assertThat(envVar(CHART.deployment(component), "AGENTFORGE_API_KEY")
                                .orElseThrow()
                                .getValueFrom()
                                .getSecretKeyRef())
                        .as(component)
                        .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                        .containsExactly(name("keys"), component + "-key");
            }
        }

        @Test
        void theRegistryProvisionsTheAgentCalculatorAndGatewayAsServicesAndTheConsoleAsClient() {
            assertThat(envVar(CHART.deployment("registry"), "AGENTFORGE_SERVICE_KEYS"))
                    .get()
                    .extracting(EnvVar::getValue)
                    .isEqualTo("agent:service:services=agent;kinds=agent:$(AGENTFORGE_KEY_AGENT),"
                            + "calculator:service:services=calculator:$(AGENTFORGE_KEY_CALCULATOR),"
                            + "console:client:$(AGENTFORGE_KEY_CONSOLE),"
                            + "gateway:service:services=gateway:$(AGENTFORGE_KEY_GATEWAY)");
        }

        @Test
        void theRegistryExpectsAnExternalPostgresNamedInValues() {
            Deployment registry = CHART.deployment("registry");
            assertThat(CHART.plainEnv(registry))
                    .containsEntry("AGENTFORGE_DATABASE_URL", "jdbc:postgresql://postgresql:5432/agentforge");
            assertThat(envVar(registry, "AGENTFORGE_DATABASE_PASSWORD")
                            .orElseThrow()
                            .getValueFrom()
                            .getSecretKeyRef()
                            .getName())
                    .isEqualTo(name("database"));
            assertThat(CHART.custom("postgresql.cnpg.io", "Cluster")).isEmpty();
        }

        @Test
        void theConsoleAgentApiAndMcpGatewayAreExposedButNotTheRegistry() {
            assertThat(CHART.all(Ingress.class))
                    .extracting(RenderedChart::componentOf)
                    .containsExactlyInAnyOrder("console", "agent", "gateway");
            Ingress agent = CHART.named(Ingress.class, name("agent"));
            assertThat(agent.getSpec().getRules().getFirst().getHttp().getPaths())
                    .singleElement()
                    .satisfies(path -> assertThat(path.getPath()).isEqualTo("/api"));
        }

        @Test
        void certificatesComeFromLetsEncryptStagingUntilProductionIsChosen() {
            GenericKubernetesResource issuer =
                    CHART.custom("cert-manager.io", "ClusterIssuer").getFirst();
            assertThat(issuer.getMetadata().getName()).isEqualTo("agent-forge-letsencrypt-staging");
            assertThat(RenderedChart.<String>field(issuer, "spec", "acme", "server"))
                    .isEqualTo("https://acme-staging-v02.api.letsencrypt.org/directory");
        }

        @Test
        void theConsoleAsksForAnApiKey() {
            assertThat(CHART.plainEnv(CHART.deployment("console"))).containsEntry("AGENTFORGE_CONSOLE_AUTH", "api-key");
        }

        @Test
        void theAgentRunsItsOfflineModelWithoutAnLlmKey() {
            Deployment agent = CHART.deployment("agent");
            assertThat(envVar(agent, "OPENAI_API_KEY")).isEmpty();
            assertThat(CHART.plainEnv(agent)).doesNotContainKeys("AGENTFORGE_LLM_BASE_URL", "AGENTFORGE_DATABASE_URL");
        }

        @Test
        void neitherAlertRulesNorTheDashboardAreRendered() {
            assertThat(CHART.custom("monitoring.coreos.com", "PrometheusRule")).isEmpty();
            assertThat(CHART.all(ConfigMap.class))
                    .noneMatch(map -> map.getMetadata().getLabels().containsKey("grafana_dashboard"));
        }

        @Test
        void tracingAndServiceMonitorAreOff() {
            assertThat(CHART.custom("monitoring.coreos.com", "ServiceMonitor")).isEmpty();
            for (String component : COMPONENTS) {
                assertThat(CHART.plainEnv(CHART.deployment(component)))
                        .doesNotContainKeys("AGENTFORGE_OTLP_ENDPOINT", "AGENTFORGE_TRACING_SAMPLING");
            }
        }
    }
}
