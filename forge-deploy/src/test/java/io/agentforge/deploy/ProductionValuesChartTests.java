package io.agentforge.deploy;

import static io.agentforge.deploy.RenderedChart.COMPONENTS;
import static io.agentforge.deploy.RenderedChart.container;
import static io.agentforge.deploy.RenderedChart.envVar;
import static io.agentforge.deploy.RenderedChart.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The chart with src/test/resources/values-production.yaml: CloudNativePG, production TLS, OIDC, a real LLM. */
class ProductionValuesChartTests extends ChartContractTests {

    private static final RenderedChart CHART =
            RenderedChart.render(RenderedChart.testResource("values-production.yaml"));
    private static final String DATABASE_CLUSTER = name("db");

    @Override
    RenderedChart chart() {
        return CHART;
    }

    @Override
    Set<String> externalSecrets() {
        // Created by the CloudNativePG operator for the Cluster the chart renders.
        return Set.of(DATABASE_CLUSTER + "-app");
    }

    @Nested
    class Database {

        @Test
        void aCloudNativePgClusterServesTheRegistry() {
            GenericKubernetesResource cluster = CHART.custom("postgresql.cnpg.io", "Cluster", DATABASE_CLUSTER);
            assertThat(RenderedChart.<Integer>field(cluster, "spec", "instances"))
                    .isEqualTo(3);
            assertThat(RenderedChart.<String>field(cluster, "spec", "bootstrap", "initdb", "database"))
                    .isEqualTo("forge");
            assertThat(RenderedChart.<String>field(cluster, "spec", "bootstrap", "initdb", "owner"))
                    .isEqualTo("forge_app");
            Deployment registry = CHART.deployment("registry");
            assertThat(CHART.plainEnv(registry))
                    .containsEntry(
                            "AGENTFORGE_DATABASE_URL", "jdbc:postgresql://" + DATABASE_CLUSTER + "-rw:5432/forge");
            SecretKeySelector password = envVar(registry, "AGENTFORGE_DATABASE_PASSWORD")
                    .orElseThrow()
                    .getValueFrom()
                    .getSecretKeyRef();
            assertThat(password.getName()).isEqualTo(DATABASE_CLUSTER + "-app");
            assertThat(password.getKey()).isEqualTo("password");
        }

        @Test
        void theChartGeneratesNoDatabasePasswordOfItsOwn() {
            assertThat(CHART.find(io.fabric8.kubernetes.api.model.Secret.class, name("database")))
                    .isEmpty();
        }

        @Test
        void theRegistryReachesOnlyTheClusterPodsOnThePostgresPort() {
            NetworkPolicy registry = CHART.named(NetworkPolicy.class, name("registry"));
            assertThat(registry.getSpec().getEgress())
                    .filteredOn(rule -> ports(rule.getPorts()).contains(5432))
                    .singleElement()
                    .satisfies(rule -> assertThat(rule.getTo())
                            .extracting(NetworkPolicyPeer::getPodSelector)
                            .singleElement()
                            .satisfies(selector -> assertThat(selector.getMatchLabels())
                                    .containsExactly(Map.entry("cnpg.io/cluster", DATABASE_CLUSTER))));
        }

        @Test
        void theAgentKeepsConversationsInItsOwnSchemaOfTheSameDatabase() {
            Deployment agent = CHART.deployment("agent");
            assertThat(CHART.plainEnv(agent))
                    .containsEntry(
                            "AGENTFORGE_DATABASE_URL",
                            CHART.plainEnv(CHART.deployment("registry")).get("AGENTFORGE_DATABASE_URL")
                                    + "?currentSchema=agent");
            assertThat(envVar(agent, "AGENTFORGE_DATABASE_PASSWORD")).isPresent();
            assertThat(CHART.named(NetworkPolicy.class, name("agent")).getSpec().getEgress())
                    .anySatisfy(rule -> assertThat(ports(rule.getPorts())).contains(5432));
        }
    }

    @Nested
    class AgentDatabaseUser {

        private SecretKeySelector ref(String component, String env) {
            return envVar(CHART.deployment(component), env)
                    .orElseThrow()
                    .getValueFrom()
                    .getSecretKeyRef();
        }

        @Test
        void theAgentAndTheRegistryUseDifferentDatabaseUsers() {
            SecretKeySelector agentUser = ref("agent", "AGENTFORGE_DATABASE_USER");
            SecretKeySelector agentPassword = ref("agent", "AGENTFORGE_DATABASE_PASSWORD");
            assertThat(agentUser.getName())
                    .isEqualTo(name("agent-database"))
                    .isNotEqualTo(ref("registry", "AGENTFORGE_DATABASE_USER").getName());
            assertThat(agentPassword.getName()).isEqualTo(agentUser.getName());
            Map<String, String> credentials = CHART.secretData(agentUser.getName());
            // The registry's user is the CloudNativePG cluster's owner, forge_app.
            assertThat(credentials.get(agentUser.getKey())).isEqualTo("agent").isNotEqualTo("forge_app");
            assertThat(credentials.get(agentPassword.getKey())).matches("[A-Za-z0-9]{32}");
        }

        @Test
        void cloudNativePgCreatesTheAgentsRoleWithThePasswordOfItsSecretAndASchemaItOwns() {
            GenericKubernetesResource cluster = CHART.custom("postgresql.cnpg.io", "Cluster", DATABASE_CLUSTER);
            List<Map<String, Object>> roles = RenderedChart.field(cluster, "spec", "managed", "roles");
            assertThat(roles)
                    .singleElement()
                    .satisfies(role -> assertThat(role)
                            .containsEntry("name", "agent")
                            .containsEntry("login", true)
                            .containsEntry("ensure", "present")
                            .containsEntry("passwordSecret", Map.of("name", name("agent-database"))));
            List<String> sql = RenderedChart.field(cluster, "spec", "bootstrap", "initdb", "postInitApplicationSQL");
            assertThat(sql)
                    .containsExactly(
                            "CREATE ROLE agent LOGIN",
                            "CREATE SCHEMA agent AUTHORIZATION agent",
                            "REVOKE ALL ON SCHEMA public FROM PUBLIC");
            io.fabric8.kubernetes.api.model.Secret secret =
                    CHART.named(io.fabric8.kubernetes.api.model.Secret.class, name("agent-database"));
            assertThat(secret.getType()).isEqualTo("kubernetes.io/basic-auth");
            assertThat(secret.getMetadata().getLabels()).containsEntry("cnpg.io/reload", "true");
        }

        @Test
        void theAgentChecksTheAudienceOfUsersJwts() {
            assertThat(CHART.plainEnv(CHART.deployment("agent")))
                    .containsEntry("AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE", "forge-agent");
        }
    }

    @Nested
    class Exposure {

        @Test
        void everyApiIsExposedOnItsHostWithTls() {
            Map<String, String> hosts = Map.of(
                    "console", "forge.acme.io", "agent", "agent.forge.acme.io", "registry", "registry.forge.acme.io");
            hosts.forEach((component, host) -> {
                Ingress ingress = CHART.named(Ingress.class, name(component));
                assertThat(ingress.getSpec().getRules())
                        .singleElement()
                        .satisfies(rule -> assertThat(rule.getHost()).isEqualTo(host));
                assertThat(ingress.getSpec().getTls())
                        .singleElement()
                        .satisfies(tls -> assertThat(tls.getHosts()).containsExactly(host));
            });
        }

        @Test
        void certificatesComeFromLetsEncryptProduction() {
            GenericKubernetesResource issuer =
                    CHART.custom("cert-manager.io", "ClusterIssuer").getFirst();
            assertThat(issuer.getMetadata().getName()).isEqualTo("agent-forge-letsencrypt-production");
            assertThat(RenderedChart.<String>field(issuer, "spec", "acme", "server"))
                    .isEqualTo("https://acme-v02.api.letsencrypt.org/directory");
            assertThat(RenderedChart.<String>field(issuer, "spec", "acme", "email"))
                    .isEqualTo("platform@acme.io");
        }

        @Test
        void prometheusInTheMonitoringNamespaceMayScrapeEveryComponent() {
            for (String component : COMPONENTS) {
                NetworkPolicy policy = CHART.named(NetworkPolicy.class, name(component));
                assertThat(policy.getSpec().getIngress())
                        .as(component)
                        .anySatisfy(rule -> assertThat(rule.getFrom()).anySatisfy(peer -> {
                            assertThat(peer.getNamespaceSelector()).isNotNull();
                            assertThat(peer.getNamespaceSelector().getMatchLabels())
                                    .containsEntry("kubernetes.io/metadata.name", "monitoring");
                        }));
            }
        }
    }

    @Nested
    class Components {

        @Test
        void theAgentTalksToTheConfiguredModelWithAKeyFromASecret() {
            Deployment agent = CHART.deployment("agent");
            assertThat(CHART.plainEnv(agent))
                    .containsEntry("AGENTFORGE_LLM_BASE_URL", "https://api.openai.com/v1")
                    .containsEntry("AGENTFORGE_LLM_MODEL", "gpt-4o-mini")
                    .containsEntry("AGENTFORGE_JWT_ISSUER_URI", "https://login.acme.io/realms/forge");
            SecretKeySelector key =
                    envVar(agent, "OPENAI_API_KEY").orElseThrow().getValueFrom().getSecretKeyRef();
            assertThat(CHART.secretData(key.getName()).get(key.getKey()))
                    .isEqualTo("sk-prod-7fK2pQ9xL4mN8vR3tW6yZ1bC5dG0hJ");
        }

        @Test
        void theConsoleSignsPeopleInWithOidc() {
            Deployment console = CHART.deployment("console");
            assertThat(CHART.plainEnv(console))
                    .containsEntry("AGENTFORGE_CONSOLE_AUTH", "oidc")
                    .containsEntry("AGENTFORGE_OIDC_ISSUER_URI", "https://login.acme.io/realms/forge")
                    .containsEntry("AGENTFORGE_OIDC_CLIENT_ID", "forge-console");
            SecretKeySelector secret = envVar(console, "AGENTFORGE_OIDC_CLIENT_SECRET")
                    .orElseThrow()
                    .getValueFrom()
                    .getSecretKeyRef();
            assertThat(CHART.secretData(secret.getName()).get(secret.getKey()))
                    .isEqualTo("oidc-9Xc4Vb7Nm2Qw5Er8Ty1Ui3Op6As0Df");
        }

        @Test
        void theGivenKeysAreUsedAsIs() {
            assertThat(CHART.secretData(name("keys")))
                    .containsEntry("admin-key", "af_prodadmin01_Zq3vN8xK2mW7pL4tR9sB6yH1cJ5dF0gA")
                    .containsEntry("agent-key", "af_prodagent01_Hn4wQ8zR1tY6uI3oP7aS2dF5gJ9kL0x")
                    .containsEntry("calculator-key", "af_prodcalc001_Bv7nM2xC5zL8kJ1hG4fD6sA9qW3eR0t")
                    .containsEntry("console-key", "af_prodconsole1_Yt5rE2wQ9uI6oP3aS8dF1gH4jK7lZ0x");
        }

        @Test
        void imagesAreOverriddenPerComponent() {
            assertThat(container(CHART.deployment("agent")).getImage())
                    .isEqualTo("registry.acme.io/forge/forge-agent:0.1.0-acme.3");
            assertThat(container(CHART.deployment("calculator")).getImage())
                    .startsWith("ghcr.io/agent-forge/forge-calculator:");
        }

        @Test
        void theAgentScalesOnCpuAndMemoryFromThreeToTwelve() {
            HorizontalPodAutoscaler hpa = CHART.named(HorizontalPodAutoscaler.class, name("agent"));
            assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
            assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(12);
            assertThat(hpa.getSpec().getMetrics())
                    .extracting(metric -> metric.getResource().getName() + "="
                            + metric.getResource().getTarget().getAverageUtilization())
                    .containsExactlyInAnyOrder("cpu=65", "memory=80");
        }

        @Test
        void theRegistryRunsThreeReplicasAndTheConsoleTwoWithABudget() {
            assertThat(CHART.deployment("registry").getSpec().getReplicas()).isEqualTo(3);
            assertThat(CHART.deployment("console").getSpec().getReplicas()).isEqualTo(2);
            assertKeepsAtLeastOnePod(CHART.named(PodDisruptionBudget.class, name("console")), 2);
        }
    }

    @Nested
    class Telemetry {

        @Test
        void everyComponentExportsTracesToTheCollector() {
            for (String component : COMPONENTS) {
                assertThat(CHART.plainEnv(CHART.deployment(component)))
                        .as(component)
                        .containsEntry("AGENTFORGE_OTLP_ENDPOINT", "http://otel-collector.observability:4318")
                        .containsEntry("AGENTFORGE_TRACING_SAMPLING", "0.25")
                        // Boot 3's property names, which Boot 4 no longer reads, are gone.
                        .doesNotContainKeys("OTEL_EXPORTER_OTLP_ENDPOINT", "MANAGEMENT_OTLP_TRACING_ENDPOINT");
                assertThat(CHART.named(NetworkPolicy.class, name(component))
                                .getSpec()
                                .getEgress())
                        .as(component)
                        .anySatisfy(rule -> assertThat(ports(rule.getPorts())).contains(4318));
            }
        }

        @Test
        void aServiceMonitorScrapesTheActuatorEndpoints() {
            GenericKubernetesResource monitor =
                    CHART.custom("monitoring.coreos.com", "ServiceMonitor", RenderedChart.RELEASE);
            assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            List<Map<String, Object>> endpoints = RenderedChart.field(monitor, "spec", "endpoints");
            assertThat(endpoints)
                    .singleElement()
                    .satisfies(endpoint -> assertThat(endpoint)
                            .containsEntry("port", "http")
                            .containsEntry("path", "/actuator/prometheus"));
        }

        @Test
        void aPrometheusRuleCarriesTheSameAlertRulesComposeLoads() {
            GenericKubernetesResource rule =
                    CHART.custom("monitoring.coreos.com", "PrometheusRule", RenderedChart.RELEASE);
            assertThat(rule.getMetadata().getLabels()).containsEntry("release", "kube-prometheus-stack");
            List<Object> groups = RenderedChart.field(rule, "spec", "groups");
            assertThat(groups)
                    .isEqualTo(ChartFiles.read(ObservabilityFiles.ALERTS).get("groups"));
        }

        @Test
        void theDashboardIsAConfigMapForGrafanasSidecar() throws Exception {
            ConfigMap dashboard = CHART.named(ConfigMap.class, name("dashboard"));
            assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
            assertThat(dashboard.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Agent Forge");
            assertThat(dashboard.getData()).containsOnlyKeys("agent-forge.json");
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(dashboard.getData().get("agent-forge.json")))
                    .isEqualTo(ObservabilityFiles.dashboard());
        }

        @Test
        void configMapsCarryNoneOfTheInlineSecrets() {
            List<String> inline = List.of(
                    "af_prodadmin01_Zq3vN8xK2mW7pL4tR9sB6yH1cJ5dF0gA",
                    "af_prodagent01_Hn4wQ8zR1tY6uI3oP7aS2dF5gJ9kL0x",
                    "af_prodcalc001_Bv7nM2xC5zL8kJ1hG4fD6sA9qW3eR0t",
                    "af_prodconsole1_Yt5rE2wQ9uI6oP3aS8dF1gH4jK7lZ0x",
                    "sk-prod-7fK2pQ9xL4mN8vR3tW6yZ1bC5dG0hJ",
                    "oidc-9Xc4Vb7Nm2Qw5Er8Ty1Ui3Op6As0Df");
            for (ConfigMap configMap : CHART.all(ConfigMap.class)) {
                assertThat(configMap.getData().values())
                        .as(configMap.getMetadata().getName())
                        .allSatisfy(value -> assertThat(inline)
                                .noneSatisfy(secret -> assertThat(value).contains(secret)));
            }
        }
    }
}
