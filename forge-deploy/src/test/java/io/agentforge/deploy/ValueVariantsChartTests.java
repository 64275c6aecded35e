package io.agentforge.deploy;

import static io.agentforge.deploy.RenderedChart.envVar;
import static io.agentforge.deploy.RenderedChart.name;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Values that switch pieces off or hand them to the operator; each group renders the chart once. */
class ValueVariantsChartTests {

    private static SecretKeySelector secretRef(Deployment deployment, String env) {
        return envVar(deployment, env).orElseThrow().getValueFrom().getSecretKeyRef();
    }

    @Nested
    class BareCluster {

        static final RenderedChart CHART = RenderedChart.render(RenderedChart.testResource("values-bare-cluster.yaml"));

        @Test
        void rendersNoCustomResourcesSoNoCrdIsNeeded() {
            assertThat(CHART.all(GenericKubernetesResource.class))
                    .extracting(GenericKubernetesResource::getKind)
                    .isEmpty();
        }

        @Test
        void podsAreNotMeshedAndNotIsolated() {
            assertThat(CHART.all(NetworkPolicy.class)).isEmpty();
            for (Deployment deployment : CHART.all(Deployment.class)) {
                assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                        .doesNotContainKey("linkerd.io/inject");
            }
        }

        @Test
        void ingressesServePlainHttpWithoutCertManager() {
            assertThat(CHART.all(Ingress.class)).isNotEmpty().allSatisfy(ingress -> {
                assertThat(ingress.getSpec().getTls()).isNullOrEmpty();
                assertThat(ingress.getMetadata().getAnnotations())
                        .doesNotContainKeys(
                                "cert-manager.io/cluster-issuer",
                                "cert-manager.io/issuer",
                                "nginx.ingress.kubernetes.io/ssl-redirect");
            });
        }
    }

    @Nested
    class RegistryOnly {

        static final RenderedChart CHART =
                RenderedChart.render(RenderedChart.testResource("values-registry-only.yaml"));

        @Test
        void nothingMayReachTheRegistryPortWhenNoComponentCallsIt() {
            assertThat(CHART.all(Deployment.class))
                    .extracting(RenderedChart::componentOf)
                    .containsExactly("registry");
            List<NetworkPolicyIngressRule> rules =
                    CHART.named(NetworkPolicy.class, name("registry")).getSpec().getIngress();
            assertThat(rules).allSatisfy(rule -> {
                assertThat(rule.getFrom()).isNotEmpty();
                assertThat(ChartContractTests.ports(rule.getPorts())).doesNotContain(8081);
            });
        }

        @Test
        void theRegistryProvisionsNoServiceKeyAndTheChartGeneratesOnlyTheAdminKey() {
            assertThat(envVar(CHART.deployment("registry"), "AGENTFORGE_SERVICE_KEYS"))
                    .isEmpty();
            assertThat(CHART.secretData(name("keys"))).containsOnlyKeys("admin-key");
        }

        @Test
        void noToolPolicyIsRenderedWithoutTools() {
            assertThat(CHART.custom(ChartContractTests.LINKERD, "Server"))
                    .extracting(server -> server.getMetadata().getName())
                    .containsExactly(name("registry"));
            assertThat(CHART.custom(ChartContractTests.LINKERD, "MeshTLSAuthentication"))
                    .extracting(authentication -> authentication.getMetadata().getName())
                    .containsExactly(name("meshed"));
        }
    }

    @Nested
    class ExistingSecrets {

        static final RenderedChart CHART =
                RenderedChart.render(RenderedChart.testResource("values-existing-secrets.yaml"));

        @Test
        void theChartCreatesNoKeyOrDatabaseSecret() {
            assertThat(CHART.all(Secret.class)).isEmpty();
        }

        @Test
        void eachServiceReadsItsOwnKeyAndTheRegistryItsCredentialsFromTheGivenSecrets() {
            Deployment registry = CHART.deployment("registry");
            assertThat(secretRef(registry, "AGENTFORGE_ADMIN_KEY"))
                    .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                    .containsExactly("forge-keys", "admin-key");
            assertThat(secretRef(registry, "AGENTFORGE_DATABASE_USER"))
                    .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                    .containsExactly("pg-credentials", "user");
            assertThat(secretRef(registry, "AGENTFORGE_DATABASE_PASSWORD"))
                    .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                    .containsExactly("pg-credentials", "pass");
            for (String component : List.of("agent", "calculator", "console", "gateway")) {
                assertThat(secretRef(CHART.deployment(component), "AGENTFORGE_API_KEY"))
                        .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                        .containsExactly("forge-keys", component + "-api-key");
            }
        }

        @Test
        void theRegistryProvisionsTheKeysTheServicesReadFromTheGivenSecret() {
            Deployment registry = CHART.deployment("registry");
            for (String component : List.of("agent", "calculator", "console", "gateway")) {
                assertThat(secretRef(registry, "AGENTFORGE_KEY_" + component.toUpperCase()))
                        .as(component)
                        .isEqualTo(secretRef(CHART.deployment(component), "AGENTFORGE_API_KEY"));
            }
            assertThat(envVar(registry, "AGENTFORGE_SERVICE_KEYS"))
                    .get()
                    .extracting(EnvVar::getValue)
                    .isEqualTo("agent:service:services=agent;kinds=agent:$(AGENTFORGE_KEY_AGENT),"
                            + "calculator:service:services=calculator:$(AGENTFORGE_KEY_CALCULATOR),"
                            + "console:client:$(AGENTFORGE_KEY_CONSOLE),"
                            + "gateway:service:services=gateway:$(AGENTFORGE_KEY_GATEWAY)");
        }

        @Test
        void theAgentReadsItsOwnDatabaseUserFromItsOwnSecretAndUsesItsSchemaOverTls() {
            Deployment agent = CHART.deployment("agent");
            assertThat(secretRef(agent, "AGENTFORGE_DATABASE_USER"))
                    .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                    .containsExactly("agent-pg-credentials", "user");
            assertThat(secretRef(agent, "AGENTFORGE_DATABASE_PASSWORD"))
                    .extracting(SecretKeySelector::getName, SecretKeySelector::getKey)
                    .containsExactly("agent-pg-credentials", "pass");
            assertThat(CHART.plainEnv(agent))
                    .containsEntry(
                            "AGENTFORGE_DATABASE_URL",
                            "jdbc:postgresql://pg.databases.svc:5432/agentforge?sslmode=require&currentSchema=agent");
        }

        @Test
        void theRegistryReachesTheExternalDatabaseOverTlsOnlyInTheGivenNetwork() {
            assertThat(CHART.plainEnv(CHART.deployment("registry")))
                    .containsEntry(
                            "AGENTFORGE_DATABASE_URL",
                            "jdbc:postgresql://pg.databases.svc:5432/agentforge?sslmode=require");
            assertThat(CHART.named(NetworkPolicy.class, name("registry"))
                            .getSpec()
                            .getEgress())
                    .filteredOn(
                            rule -> ChartContractTests.ports(rule.getPorts()).contains(5432))
                    .singleElement()
                    .satisfies(rule -> assertThat(rule.getTo())
                            .singleElement()
                            .satisfies(peer ->
                                    assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.20.0.0/16")));
        }

        @Test
        void ingressesNameTheGivenNamespacedIssuer() {
            assertThat(CHART.custom("cert-manager.io", "ClusterIssuer")).isEmpty();
            assertThat(CHART.all(Ingress.class))
                    .isNotEmpty()
                    .allSatisfy(ingress -> assertThat(ingress.getMetadata().getAnnotations())
                            .containsEntry("cert-manager.io/issuer", "team-issuer")
                            .doesNotContainKey("cert-manager.io/cluster-issuer"));
        }
    }

    @Nested
    class ServiceOnTheAdminKey {

        static final RenderedChart CHART =
                RenderedChart.render(RenderedChart.testResource("values-shared-admin-key.yaml"));

        @Test
        void aServicePointedAtTheAdminEntryReadsTheAdminKeyAndIsNotProvisioned() {
            Deployment registry = CHART.deployment("registry");
            assertThat(secretRef(CHART.deployment("agent"), "AGENTFORGE_API_KEY"))
                    .isEqualTo(secretRef(registry, "AGENTFORGE_ADMIN_KEY"));
            assertThat(envVar(registry, "AGENTFORGE_KEY_AGENT")).isEmpty();
            assertThat(envVar(registry, "AGENTFORGE_KEY_CALCULATOR")).isEmpty();
            assertThat(envVar(registry, "AGENTFORGE_SERVICE_KEYS"))
                    .get()
                    .extracting(EnvVar::getValue)
                    .isEqualTo("console:client:$(AGENTFORGE_KEY_CONSOLE)");
        }

        @Test
        void theChartGeneratesKeysOnlyForServicesThatUseTheirOwn() {
            assertThat(CHART.secretData(name("keys"))).containsOnlyKeys("admin-key", "console-key");
        }
    }
}
