package io.agentforge.deploy;

import static io.agentforge.deploy.RenderedChart.COMPONENTS;
import static io.agentforge.deploy.RenderedChart.SERVICE_KEY_ROLES;
import static io.agentforge.deploy.RenderedChart.componentOf;
import static io.agentforge.deploy.RenderedChart.container;
import static io.agentforge.deploy.RenderedChart.envNames;
import static io.agentforge.deploy.RenderedChart.envVar;
import static io.agentforge.deploy.RenderedChart.field;
import static io.agentforge.deploy.RenderedChart.name;
import static io.agentforge.deploy.RenderedChart.selects;
import static io.agentforge.deploy.RenderedChart.serviceKeyEntries;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every rendering of the chart must satisfy, whatever the values. Subclasses render the chart once with their
 * values and add the checks specific to them.
 */
abstract class ChartContractTests {

    static final Pattern API_KEY = Pattern.compile("af_[a-z0-9]{8,32}_[A-Za-z0-9_-]{16,128}");
    static final String LINKERD = "policy.linkerd.io";

    /** Who may open connections to each component (NetworkPolicy ingress), as in docs/architecture. */
    static final Map<String, Set<String>> CALLERS = Map.of(
            "registry", Set.of("console", "agent", "calculator", "gateway"),
            "agent", Set.of("console", "registry"),
            "calculator", Set.of("agent", "console", "registry", "gateway"),
            "console", Set.of("registry"),
            "gateway", Set.of("registry"));

    /** Which components each component may call (NetworkPolicy egress). */
    static final Map<String, Set<String>> CALLEES = Map.of(
            "registry", Set.of("agent", "calculator", "console", "gateway"),
            "agent", Set.of("registry", "calculator"),
            "calculator", Set.of("registry"),
            "console", Set.of("agent", "registry", "calculator"),
            "gateway", Set.of("registry", "calculator"));

    abstract RenderedChart chart();

    /** Secrets the pods reference that the chart does not render itself (created by an operator or by hand). */
    abstract Set<String> externalSecrets();

    List<Deployment> deployments() {
        return chart().all(Deployment.class);
    }

    static PodSpec pod(Deployment deployment) {
        return deployment.getSpec().getTemplate().getSpec();
    }

    static Map<String, String> podLabels(Deployment deployment) {
        return deployment.getSpec().getTemplate().getMetadata().getLabels();
    }

    static Map<String, String> podAnnotations(Deployment deployment) {
        return Optional.ofNullable(
                        deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .orElse(Map.of());
    }

    static String describe(Deployment deployment) {
        return "Deployment " + deployment.getMetadata().getName();
    }

    /** The components whose pods a list of NetworkPolicy peers (same namespace) selects. */
    Set<String> componentsSelectedBy(List<NetworkPolicyPeer> peers) {
        return deployments().stream()
                .filter(deployment -> peers.stream()
                        .anyMatch(peer -> peer.getNamespaceSelector() == null
                                && peer.getPodSelector() != null
                                && selects(peer.getPodSelector().getMatchLabels(), podLabels(deployment))))
                .map(RenderedChart::componentOf)
                .collect(Collectors.toSet());
    }

    static Set<Integer> ports(List<NetworkPolicyPort> ports) {
        return Optional.ofNullable(ports).orElse(List.of()).stream()
                .map(port -> port.getPort().getIntVal())
                .collect(Collectors.toSet());
    }

    @Nested
    class Workloads {

        @Test
        void everyComponentRunsAsADeploymentWithAService() {
            assertThat(deployments())
                    .extracting(RenderedChart::componentOf)
                    .containsExactlyInAnyOrderElementsOf(COMPONENTS);
            for (String component : COMPONENTS) {
                assertThat(chart().find(Service.class, name(component)))
                        .as(component + " Service")
                        .isPresent();
            }
        }

        @Test
        void everyContainerProbesTheActuatorLivenessAndReadinessGroups() {
            for (Deployment deployment : deployments()) {
                Container container = container(deployment);
                Set<String> portNames = container.getPorts().stream()
                        .map(ContainerPort::getName)
                        .collect(Collectors.toSet());
                Map<String, Probe> probes = new LinkedHashMap<>();
                probes.put("/actuator/health/liveness#startup", container.getStartupProbe());
                probes.put("/actuator/health/liveness#liveness", container.getLivenessProbe());
                probes.put("/actuator/health/readiness#readiness", container.getReadinessProbe());
                probes.forEach((expected, probe) -> {
                    String what = describe(deployment) + " " + expected.substring(expected.indexOf('#') + 1) + " probe";
                    assertThat(probe).as(what).isNotNull();
                    assertThat(probe.getHttpGet()).as(what).isNotNull();
                    assertThat(probe.getHttpGet().getPath())
                            .as(what)
                            .isEqualTo(expected.substring(0, expected.indexOf('#')));
                    assertThat(probe.getHttpGet().getPort().getStrVal())
                            .as(what + " port")
                            .isIn(portNames);
                });
            }
        }

        @Test
        void podsPauseBeforeStoppingAndLeaveTimeToDeregister() {
            for (Deployment deployment : deployments()) {
                long grace = pod(deployment).getTerminationGracePeriodSeconds();
                var preStop = container(deployment).getLifecycle().getPreStop();
                assertThat(preStop.getSleep())
                        .as(describe(deployment) + " preStop sleep")
                        .isNotNull();
                long pause = preStop.getSleep().getSeconds();
                assertThat(pause).as(describe(deployment) + " preStop pause").isBetween(1L, 15L);
                assertThat(grace - pause)
                        .as(describe(deployment) + " grace left after the pause")
                        .isGreaterThanOrEqualTo(20L);
                String proxyWait =
                        podAnnotations(deployment).get("config.alpha.linkerd.io/proxy-wait-before-exit-seconds");
                if (proxyWait != null) {
                    assertThat(Long.parseLong(proxyWait))
                            .as(describe(deployment) + " Linkerd proxy wait")
                            .isGreaterThan(pause)
                            .isLessThan(grace);
                }
            }
        }

        @Test
        void everyContainerRequestsCpuAndMemoryAndCapsMemory() {
            for (Deployment deployment : deployments()) {
                var resources = container(deployment).getResources();
                assertThat(resources.getRequests())
                        .as(describe(deployment) + " requests")
                        .containsKeys("cpu", "memory");
                assertThat(resources.getLimits())
                        .as(describe(deployment) + " limits")
                        .containsKey("memory");
            }
        }

        @Test
        void everyComponentListensOnItsArchitecturePortThroughServerPort() {
            Map<String, Integer> ports =
                    Map.of("console", 8080, "registry", 8081, "agent", 8082, "calculator", 8083, "gateway", 8084);
            for (Deployment deployment : deployments()) {
                int expected = ports.get(componentOf(deployment));
                assertThat(container(deployment).getPorts())
                        .extracting(ContainerPort::getContainerPort)
                        .as(describe(deployment))
                        .containsExactly(expected);
                assertThat(chart().plainEnv(deployment))
                        .as(describe(deployment))
                        .containsEntry("SERVER_PORT", String.valueOf(expected));
            }
        }
    }

    @Nested
    class Registry {

        @Test
        void runsAtLeastTwoReplicasOnThePostgresStore() {
            Deployment registry = chart().deployment("registry");
            assertThat(registry.getSpec().getReplicas()).isGreaterThanOrEqualTo(2);
            Map<String, String> env = chart().plainEnv(registry);
            assertThat(env).containsEntry("AGENTFORGE_REGISTRY_STORE", "postgres");
            assertThat(env.get("AGENTFORGE_DATABASE_URL")).startsWith("jdbc:postgresql://");
        }

        @Test
        void takesTheAdminKeyAndDatabaseCredentialsFromSecrets() {
            Deployment registry = chart().deployment("registry");
            for (String name :
                    List.of("AGENTFORGE_ADMIN_KEY", "AGENTFORGE_DATABASE_USER", "AGENTFORGE_DATABASE_PASSWORD")) {
                assertThat(envVar(registry, name))
                        .as(name)
                        .get()
                        .extracting(var -> var.getValueFrom().getSecretKeyRef())
                        .as(name)
                        .isNotNull();
            }
        }

        @Test
        void keepsAPodThroughVoluntaryDisruptions() {
            Deployment registry = chart().deployment("registry");
            PodDisruptionBudget pdb = chart().named(PodDisruptionBudget.class, name("registry"));
            assertThat(selects(pdb.getSpec().getSelector().getMatchLabels(), podLabels(registry)))
                    .isTrue();
            assertKeepsAtLeastOnePod(pdb, registry.getSpec().getReplicas());
        }
    }

    static void assertKeepsAtLeastOnePod(PodDisruptionBudget pdb, int replicas) {
        assertThat(replicas)
                .as(pdb.getMetadata().getName() + ": replicas covered by the budget")
                .isGreaterThanOrEqualTo(2);
        IntOrString maxUnavailable = pdb.getSpec().getMaxUnavailable();
        IntOrString minAvailable = pdb.getSpec().getMinAvailable();
        if (minAvailable != null) {
            assertThat(minAvailable.getIntVal())
                    .as(pdb.getMetadata().getName() + " minAvailable")
                    .isBetween(1, replicas - 1);
        } else {
            assertThat(maxUnavailable)
                    .as(pdb.getMetadata().getName() + " budget")
                    .isNotNull();
            assertThat(maxUnavailable.getIntVal())
                    .as(pdb.getMetadata().getName() + " maxUnavailable")
                    .isBetween(1, replicas - 1);
        }
    }

    @Nested
    class RegisteringServices {

        @Test
        void findTheRegistryThroughItsService() {
            Service registry = chart().named(Service.class, name("registry"));
            String url = "http://" + registry.getMetadata().getName() + ":"
                    + registry.getSpec().getPorts().getFirst().getPort();
            for (String component : List.of("agent", "calculator", "console", "gateway")) {
                assertThat(chart().plainEnv(chart().deployment(component)))
                        .as(component)
                        .containsEntry("AGENTFORGE_REGISTRY_URL", url);
            }
        }

        @Test
        void advertiseTheirOwnPodEndpointThroughTheDownwardApi() {
            for (String component : List.of("agent", "calculator", "console", "gateway")) {
                Deployment deployment = chart().deployment(component);
                List<EnvVar> env = container(deployment).getEnv();
                List<String> names = env.stream().map(EnvVar::getName).toList();
                EnvVar podIp = envVar(deployment, "POD_IP").orElseThrow();
                assertThat(podIp.getValueFrom().getFieldRef().getFieldPath())
                        .as(component)
                        .isEqualTo("status.podIP");
                int port = container(deployment).getPorts().getFirst().getContainerPort();
                assertThat(envVar(deployment, "AGENTFORGE_ENDPOINT"))
                        .as(component)
                        .get()
                        .extracting(EnvVar::getValue)
                        .isEqualTo("http://$(POD_IP):" + port);
                assertThat(names.indexOf("POD_IP"))
                        .as(component + ": POD_IP is defined before it is referenced")
                        .isLessThan(names.indexOf("AGENTFORGE_ENDPOINT"));
            }
        }

        @Test
        void presentAnApiKeyFromASecret() {
            for (String component : List.of("agent", "calculator", "console", "gateway")) {
                assertThat(envVar(chart().deployment(component), "AGENTFORGE_API_KEY"))
                        .as(component)
                        .get()
                        .extracting(var -> var.getValueFrom().getSecretKeyRef())
                        .isNotNull();
            }
        }
    }

    @Nested
    class Autoscaling {

        @Test
        void agentAndCalculatorScaleBetweenSaneBoundsOnCpu() {
            for (String component : List.of("agent", "calculator")) {
                HorizontalPodAutoscaler hpa = chart().named(HorizontalPodAutoscaler.class, name(component));
                assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
                assertThat(hpa.getSpec().getScaleTargetRef().getName())
                        .isEqualTo(chart().deployment(component).getMetadata().getName());
                assertThat(hpa.getSpec().getMinReplicas())
                        .as(component + " minReplicas")
                        .isGreaterThanOrEqualTo(2);
                assertThat(hpa.getSpec().getMaxReplicas())
                        .as(component + " maxReplicas")
                        .isGreaterThanOrEqualTo(hpa.getSpec().getMinReplicas());
                assertThat(hpa.getSpec().getMetrics())
                        .as(component + " metrics")
                        .anySatisfy(metric ->
                                assertThat(metric.getResource().getName()).isEqualTo("cpu"));
            }
        }

        @Test
        void leaveTheReplicaCountToTheAutoscaler() {
            for (String component : List.of("agent", "calculator")) {
                assertThat(chart().deployment(component).getSpec().getReplicas())
                        .as(component)
                        .isNull();
            }
        }

        @Test
        void keepAPodThroughVoluntaryDisruptions() {
            for (String component : List.of("agent", "calculator")) {
                PodDisruptionBudget pdb = chart().named(PodDisruptionBudget.class, name(component));
                assertThat(selects(
                                pdb.getSpec().getSelector().getMatchLabels(), podLabels(chart().deployment(component))))
                        .as(component)
                        .isTrue();
                int minReplicas = chart().named(HorizontalPodAutoscaler.class, name(component))
                        .getSpec()
                        .getMinReplicas();
                assertKeepsAtLeastOnePod(pdb, minReplicas);
            }
        }
    }

    @Nested
    class Security {

        @Test
        void podsRunAsNonRootWithTheRuntimeDefaultSeccompProfile() {
            for (Deployment deployment : deployments()) {
                PodSecurityContext pod = pod(deployment).getSecurityContext();
                assertThat(pod.getRunAsNonRoot()).as(describe(deployment)).isTrue();
                assertThat(pod.getRunAsUser())
                        .as(describe(deployment))
                        .isNotNull()
                        .isNotZero();
                assertThat(pod.getSeccompProfile().getType())
                        .as(describe(deployment))
                        .isEqualTo("RuntimeDefault");
            }
        }

        @Test
        void containersAreLockedDown() {
            for (Deployment deployment : deployments()) {
                SecurityContext container = container(deployment).getSecurityContext();
                String what = describe(deployment);
                assertThat(container.getReadOnlyRootFilesystem())
                        .as(what + " readOnlyRootFilesystem")
                        .isTrue();
                assertThat(container.getAllowPrivilegeEscalation())
                        .as(what + " allowPrivilegeEscalation")
                        .isFalse();
                assertThat(container.getRunAsNonRoot())
                        .as(what + " runAsNonRoot")
                        .isTrue();
                assertThat(container.getCapabilities().getDrop())
                        .as(what + " dropped capabilities")
                        .contains("ALL");
                assertThat(Optional.ofNullable(container.getCapabilities().getAdd())
                                .orElse(List.of()))
                        .as(what)
                        .isEmpty();
                assertThat(container.getSeccompProfile().getType()).as(what).isEqualTo("RuntimeDefault");
                assertThat(container.getPrivileged()).as(what + " privileged").isNotEqualTo(Boolean.TRUE);
            }
        }

        @Test
        void theOnlyWritablePathIsAnEmptyDirAtTmp() {
            for (Deployment deployment : deployments()) {
                var mounts = container(deployment).getVolumeMounts();
                assertThat(mounts)
                        .as(describe(deployment))
                        .singleElement()
                        .satisfies(mount -> assertThat(mount.getMountPath()).isEqualTo("/tmp"));
                var volume = pod(deployment).getVolumes().stream()
                        .filter(v -> v.getName().equals(mounts.getFirst().getName()))
                        .findFirst()
                        .orElseThrow();
                assertThat(volume.getEmptyDir())
                        .as(describe(deployment) + " /tmp volume")
                        .isNotNull();
            }
        }

        @Test
        void everyComponentHasItsOwnServiceAccountWithoutAnApiToken() {
            Set<String> accounts = new HashSet<>();
            for (Deployment deployment : deployments()) {
                String account = pod(deployment).getServiceAccountName();
                assertThat(account).as(describe(deployment)).isNotBlank().isNotEqualTo("default");
                assertThat(accounts.add(account)).as(account + " is shared").isTrue();
                assertThat(pod(deployment).getAutomountServiceAccountToken())
                        .as(describe(deployment))
                        .isFalse();
                assertThat(chart().named(ServiceAccount.class, account).getAutomountServiceAccountToken())
                        .as("ServiceAccount " + account)
                        .isFalse();
            }
        }
    }

    @Nested
    class Services {

        @Test
        void everyServiceSelectsExactlyOneDeployment() {
            for (Service service : chart().all(Service.class)) {
                assertThat(deployments())
                        .as("Deployments selected by Service "
                                + service.getMetadata().getName())
                        .filteredOn(deployment -> selects(service.getSpec().getSelector(), podLabels(deployment)))
                        .hasSize(1);
            }
        }

        @Test
        void everyServiceTargetPortIsAContainerPort() {
            for (Service service : chart().all(Service.class)) {
                Deployment target = deployments().stream()
                        .filter(deployment -> selects(service.getSpec().getSelector(), podLabels(deployment)))
                        .findFirst()
                        .orElseThrow();
                List<ContainerPort> containerPorts = container(target).getPorts();
                for (ServicePort port : service.getSpec().getPorts()) {
                    IntOrString targetPort = port.getTargetPort();
                    assertThat(containerPorts)
                            .as("Service " + service.getMetadata().getName() + " targetPort " + targetPort)
                            .anySatisfy(containerPort -> {
                                if (targetPort.getStrVal() != null) {
                                    assertThat(containerPort.getName()).isEqualTo(targetPort.getStrVal());
                                } else {
                                    assertThat(containerPort.getContainerPort()).isEqualTo(targetPort.getIntVal());
                                }
                            });
                }
            }
        }
    }

    @Nested
    class Secrets {

        private static final Pattern SECRET_LOOKING_NAME =
                Pattern.compile("(?i).*(password|secret|api_key|admin_key|token).*");
        /** Settings whose names look like secrets but whose values are switches. */
        private static final Set<String> SWITCHES = Set.of("AGENTFORGE_SECURITY_ACCEPT_API_KEYS");

        /** Secret values, except user names (not secret, and legitimately part of JDBC URLs). */
        private Set<String> secretValues() {
            return chart().all(Secret.class).stream()
                    .flatMap(secret -> RenderedChart.decoded(secret).entrySet().stream())
                    .filter(entry -> !entry.getKey().equals("username"))
                    .map(Map.Entry::getValue)
                    .collect(Collectors.toSet());
        }

        @Test
        void theChartRendersSecretsToCheckAgainst() {
            assertThat(secretValues())
                    .isNotEmpty()
                    .allSatisfy(value -> assertThat(value).hasSizeGreaterThanOrEqualTo(16));
        }

        @Test
        void noConfigMapHoldsASecretValue() {
            Set<String> secrets = secretValues();
            assertThat(chart().all(ConfigMap.class)).isNotEmpty();
            for (ConfigMap configMap : chart().all(ConfigMap.class)) {
                configMap.getData().forEach((key, value) -> {
                    if (SWITCHES.contains(key)) {
                        assertThat(value)
                                .as("ConfigMap " + configMap.getMetadata().getName() + " " + key)
                                .isIn("true", "false");
                    } else {
                        assertThat(key)
                                .as("ConfigMap " + configMap.getMetadata().getName())
                                .doesNotMatch(SECRET_LOOKING_NAME);
                    }
                    for (String secret : secrets) {
                        assertThat(value)
                                .as("ConfigMap " + configMap.getMetadata().getName() + " " + key)
                                .doesNotContain(secret);
                    }
                });
            }
        }

        @Test
        void everySecretReferenceNamesARenderedSecretAndEntryOrAnExternalOne() {
            for (Deployment deployment : deployments()) {
                for (EnvVar var : container(deployment).getEnv()) {
                    if (var.getValueFrom() == null || var.getValueFrom().getSecretKeyRef() == null) {
                        continue;
                    }
                    SecretKeySelector ref = var.getValueFrom().getSecretKeyRef();
                    String what = describe(deployment) + " " + var.getName();
                    if (externalSecrets().contains(ref.getName())) {
                        continue;
                    }
                    assertThat(chart().find(Secret.class, ref.getName()))
                            .as(what)
                            .isPresent();
                    assertThat(chart().secretData(ref.getName())).as(what).containsKey(ref.getKey());
                }
            }
        }

        @Test
        void theAdminKeyHasTheRegistryKeyFormat() {
            SecretKeySelector ref = envVar(chart().deployment("registry"), "AGENTFORGE_ADMIN_KEY")
                    .orElseThrow()
                    .getValueFrom()
                    .getSecretKeyRef();
            assertThat(chart().secretData(ref.getName()).get(ref.getKey())).matches(API_KEY);
        }
    }

    @Nested
    class ServiceKeys {

        /** name:role[:services=…[;kinds=…]]:$(VAR), as the registry reads AGENTFORGE_SERVICE_KEYS once expanded. */
        private static final Pattern ENTRY = Pattern.compile(
                "([a-z]+):([a-z+]+)(?::services=([a-z0-9*|-]+)(?:;kinds=([a-z|]+))?)?:\\$\\((AGENTFORGE_KEY_[A-Z]+)\\)");

        private SecretKeySelector ref(Deployment deployment, String env) {
            return envVar(deployment, env)
                    .orElseThrow(() -> new AssertionError(describe(deployment) + " has no " + env))
                    .getValueFrom()
                    .getSecretKeyRef();
        }

        private List<String> servicesWithTheirOwnKey() {
            SecretKeySelector admin = ref(chart().deployment("registry"), "AGENTFORGE_ADMIN_KEY");
            return SERVICE_KEY_ROLES.keySet().stream()
                    .sorted()
                    .filter(component ->
                            chart().find(Deployment.class, name(component)).isPresent())
                    .filter(component -> !ref(chart().deployment(component), "AGENTFORGE_API_KEY")
                            .equals(admin))
                    .toList();
        }

        @Test
        void theRegistryProvisionsTheKeyEachServicePresentsWithThatServicesRole() {
            Deployment registry = chart().deployment("registry");
            Map<String, String> provisioned = new LinkedHashMap<>();
            for (String entry : serviceKeyEntries(registry)) {
                Matcher matcher = ENTRY.matcher(entry);
                assertThat(matcher.matches())
                        .as("AGENTFORGE_SERVICE_KEYS entry " + entry)
                        .isTrue();
                assertThat(matcher.group(2)).as(entry).isEqualTo(SERVICE_KEY_ROLES.get(matcher.group(1)));
                assertThat(provisioned.put(matcher.group(1), matcher.group(5)))
                        .as("a second entry " + entry)
                        .isNull();
            }
            assertThat(provisioned).containsOnlyKeys(servicesWithTheirOwnKey());
            provisioned.forEach((component, variable) -> assertThat(ref(registry, variable))
                    .as(component)
                    .isEqualTo(ref(chart().deployment(component), "AGENTFORGE_API_KEY")));
        }

        @Test
        void theServiceKeysAreDeclaredAfterTheVariablesTheyExpand() {
            Deployment registry = chart().deployment("registry");
            List<String> names = envNames(registry);
            for (String entry : serviceKeyEntries(registry)) {
                Matcher matcher = ENTRY.matcher(entry);
                assertThat(matcher.matches()).as(entry).isTrue();
                assertThat(names.indexOf(matcher.group(5)))
                        .as(matcher.group(5) + " is defined before it is referenced")
                        .isNotNegative()
                        .isLessThan(names.indexOf("AGENTFORGE_SERVICE_KEYS"));
            }
        }

        @Test
        void eachServiceKeyMayRegisterOnlyItsOwnNameAndOnlyTheAgentsAnAgent() {
            List<String> entries = serviceKeyEntries(chart().deployment("registry"));
            assertThat(entries).as("the chart provisions service keys to check").isNotEmpty();
            for (String entry : entries) {
                Matcher matcher = ENTRY.matcher(entry);
                assertThat(matcher.matches()).as(entry).isTrue();
                String name = matcher.group(1);
                String services = matcher.group(3);
                String kinds = matcher.group(4);
                if (matcher.group(2).contains("service")) {
                    assertThat(services)
                            .as(entry + ": a service key names the services it may register")
                            .isEqualTo(name);
                } else {
                    assertThat(matcher.group(2)).as(entry).isEqualTo("client");
                    assertThat(services)
                            .as(entry + ": a client key registers nothing")
                            .isNull();
                }
                if (name.equals("agent")) {
                    assertThat(kinds).as(entry).isEqualTo("agent");
                } else {
                    assertThat(kinds)
                            .as(entry + ": only the agent's key may register an agent")
                            .isNull();
                }
                if (name.equals("console")) {
                    assertThat(matcher.group(2)).as(entry).isEqualTo("client");
                }
            }
        }

        @Test
        void noComponentButTheRegistryReadsTheAdminKey() {
            SecretKeySelector admin = ref(chart().deployment("registry"), "AGENTFORGE_ADMIN_KEY");
            for (Deployment deployment : deployments()) {
                if (!"registry".equals(componentOf(deployment))) {
                    assertThat(container(deployment).getEnv())
                            .as(describe(deployment))
                            .noneSatisfy(var -> assertThat(
                                            var.getValueFrom() == null
                                                    ? null
                                                    : var.getValueFrom().getSecretKeyRef())
                                    .isEqualTo(admin));
                }
            }
        }

        @Test
        void everyRenderedKeyHasTheRegistryFormatAndItsOwnKeyId() {
            Deployment registry = chart().deployment("registry");
            List<SecretKeySelector> refs = new ArrayList<>();
            refs.add(ref(registry, "AGENTFORGE_ADMIN_KEY"));
            servicesWithTheirOwnKey()
                    .forEach(component -> refs.add(ref(registry, "AGENTFORGE_KEY_" + component.toUpperCase())));
            List<String> keys = refs.stream()
                    .filter(ref -> !externalSecrets().contains(ref.getName()))
                    .filter(ref -> chart().find(Secret.class, ref.getName()).isPresent())
                    .map(ref -> chart().secretData(ref.getName()).get(ref.getKey()))
                    .toList();
            assertThat(keys).allSatisfy(key -> assertThat(key).matches(API_KEY));
            assertThat(keys.stream().map(key -> key.split("_")[1]).toList()).doesNotHaveDuplicates();
        }
    }

    @Nested
    class Trust {

        @Test
        void theToolAndTheAgentRefuseLongLivedKeysFromCallers() {
            List<Deployment> refusing = deployments().stream()
                    .filter(deployment -> Set.of("agent", "calculator").contains(componentOf(deployment)))
                    .toList();
            assertThat(refusing).isNotEmpty();
            for (Deployment deployment : refusing) {
                assertThat(chart().plainEnv(deployment))
                        .as(describe(deployment))
                        .containsEntry("AGENTFORGE_SECURITY_ACCEPT_API_KEYS", "false");
            }
        }

        @Test
        void everyComponentMayCallPrivateAddressesButNotLoopback() {
            assertThat(deployments()).isNotEmpty();
            for (Deployment deployment : deployments()) {
                if (deployment.getMetadata().getName().endsWith("-registry")) {
                    // The registry has its own endpoint policy; the callers' setting would have no effect there.
                    assertThat(chart().plainEnv(deployment))
                            .as(describe(deployment))
                            .doesNotContainKey("AGENTFORGE_OUTBOUND_ALLOW_PRIVATE");
                    continue;
                }
                assertThat(chart().plainEnv(deployment))
                        .as(describe(deployment))
                        .containsEntry("AGENTFORGE_OUTBOUND_ALLOW_PRIVATE", "true")
                        .doesNotContainKey("AGENTFORGE_OUTBOUND_ALLOW_LOOPBACK");
            }
        }

        @Test
        void anAgentThatAcceptsJwtsChecksTheirAudience() {
            chart().find(Deployment.class, name("agent"))
                    .map(chart()::plainEnv)
                    .filter(env -> env.containsKey("AGENTFORGE_JWT_ISSUER_URI"))
                    .ifPresent(env -> assertThat(env.get("AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE"))
                            .isNotBlank());
        }

        @Test
        void theAgentNeverUsesTheRegistrysDatabaseCredentials() {
            Deployment registry = chart().deployment("registry");
            SecretKeySelector registryUser = envVar(registry, "AGENTFORGE_DATABASE_USER")
                    .orElseThrow()
                    .getValueFrom()
                    .getSecretKeyRef();
            chart().find(Deployment.class, name("agent"))
                    .flatMap(agent -> envVar(agent, "AGENTFORGE_DATABASE_USER"))
                    .ifPresent(agentUser -> assertThat(
                                    agentUser.getValueFrom().getSecretKeyRef().getName())
                            .isNotEqualTo(registryUser.getName()));
        }
    }

    @Nested
    class IngressAndTls {

        @Test
        void ingressesUseTheNginxClassAndTlsForEveryHost() {
            List<Ingress> ingresses = chart().all(Ingress.class);
            assertThat(ingresses).isNotEmpty();
            for (Ingress ingress : ingresses) {
                String what = "Ingress " + ingress.getMetadata().getName();
                assertThat(ingress.getSpec().getIngressClassName()).as(what).isEqualTo("nginx");
                Set<String> ruleHosts = ingress.getSpec().getRules().stream()
                        .map(IngressRule::getHost)
                        .collect(Collectors.toSet());
                Set<String> tlsHosts = ingress.getSpec().getTls().stream()
                        .flatMap(tls -> tls.getHosts().stream())
                        .collect(Collectors.toSet());
                assertThat(ruleHosts).as(what).isNotEmpty().doesNotContainNull();
                assertThat(tlsHosts).as(what + " TLS hosts").isEqualTo(ruleHosts);
                assertThat(ingress.getSpec().getTls())
                        .extracting(IngressTLS::getSecretName)
                        .as(what)
                        .doesNotContainNull();
            }
        }

        @Test
        void certManagerIssuesTheCertificatesThroughTheChartsClusterIssuer() {
            Set<String> issuers = chart().custom("cert-manager.io", "ClusterIssuer").stream()
                    .map(issuer -> issuer.getMetadata().getName())
                    .collect(Collectors.toSet());
            assertThat(issuers).hasSize(1);
            for (Ingress ingress : chart().all(Ingress.class)) {
                assertThat(ingress.getMetadata().getAnnotations())
                        .as("Ingress " + ingress.getMetadata().getName())
                        .containsEntry(
                                "cert-manager.io/cluster-issuer",
                                issuers.iterator().next());
            }
            GenericKubernetesResource issuer =
                    chart().custom("cert-manager.io", "ClusterIssuer").getFirst();
            assertThat(RenderedChart.<String>field(
                            issuer, "spec", "acme", "solvers", 0, "http01", "ingress", "ingressClassName"))
                    .isEqualTo("nginx");
        }

        @Test
        void ingressBackendsAreChartServicesAndPorts() {
            for (Ingress ingress : chart().all(Ingress.class)) {
                ingress.getSpec().getRules().stream()
                        .flatMap(rule -> rule.getHttp().getPaths().stream())
                        .forEach(path -> {
                            var backend = path.getBackend().getService();
                            Service service = chart().named(Service.class, backend.getName());
                            assertThat(service.getSpec().getPorts())
                                    .extracting(ServicePort::getName)
                                    .as("Ingress " + ingress.getMetadata().getName())
                                    .contains(backend.getPort().getName());
                        });
            }
        }
    }

    @Nested
    class Linkerd {

        @Test
        void everyPodIsMeshed() {
            for (Deployment deployment : deployments()) {
                assertThat(podAnnotations(deployment))
                        .as(describe(deployment))
                        .containsEntry("linkerd.io/inject", "enabled");
            }
        }

        @Test
        void ingressesLetLinkerdBalanceOverThePods() {
            for (Ingress ingress : chart().all(Ingress.class)) {
                assertThat(ingress.getMetadata().getAnnotations())
                        .as("Ingress " + ingress.getMetadata().getName())
                        .containsEntry("nginx.ingress.kubernetes.io/service-upstream", "true");
            }
        }

        @Test
        void serversCoverTheRegistryAndToolPorts() {
            for (String component : List.of("registry", "calculator")) {
                GenericKubernetesResource server = chart().custom(LINKERD, "Server", name(component));
                Map<String, String> selector = field(server, "spec", "podSelector", "matchLabels");
                Deployment deployment = chart().deployment(component);
                assertThat(selects(selector, podLabels(deployment)))
                        .as(component)
                        .isTrue();
                assertThat(container(deployment).getPorts())
                        .extracting(ContainerPort::getName)
                        .contains(RenderedChart.<String>field(server, "spec", "port"));
            }
        }

        @Test
        void onlyTheAgentConsoleAndGatewayServiceAccountsMayCallTools() {
            GenericKubernetesResource authentication = authenticationOfApiRoute("calculator");
            assertThat(authentication.getKind()).isEqualTo("MeshTLSAuthentication");
            List<Map<String, Object>> refs = field(authentication, "spec", "identityRefs");
            assertThat(refs).allSatisfy(ref -> assertThat(ref).containsEntry("kind", "ServiceAccount"));
            assertThat(refs)
                    .extracting(ref -> ref.get("name"))
                    .containsExactlyInAnyOrder(
                            pod(chart().deployment("agent")).getServiceAccountName(),
                            pod(chart().deployment("console")).getServiceAccountName(),
                            pod(chart().deployment("gateway")).getServiceAccountName());
        }

        @Test
        void onlyMeshedWorkloadsMayReachTheRegistryApi() {
            GenericKubernetesResource authentication = authenticationOfApiRoute("registry");
            assertThat(authentication.getKind()).isEqualTo("MeshTLSAuthentication");
            assertThat(RenderedChart.<List<String>>field(authentication, "spec", "identities"))
                    .containsExactly("*");
        }

        @Test
        @SuppressWarnings("unchecked")
        void theUnauthenticatedRouteCoversOnlyHealthAndMetrics() {
            for (String component : List.of("registry", "calculator")) {
                GenericKubernetesResource route = chart().custom(LINKERD, "HTTPRoute", name(component) + "-actuator");
                List<Map<String, Object>> rules = field(route, "spec", "rules");
                List<Map<String, Object>> matches = rules.stream()
                        .flatMap(rule -> ((List<Map<String, Object>>) rule.get("matches")).stream())
                        .toList();
                assertThat(matches).isNotEmpty().allSatisfy(match -> {
                    Map<String, Object> path = (Map<String, Object>) match.get("path");
                    assertThat((String) path.get("value")).isIn("/actuator/health", "/actuator/prometheus");
                });
                GenericKubernetesResource policy =
                        chart().custom(LINKERD, "AuthorizationPolicy", name(component) + "-actuator");
                assertThat(RenderedChart.<String>field(policy, "spec", "targetRef", "name"))
                        .isEqualTo(name(component) + "-actuator");
            }
        }

        @Test
        void everyPolicyReferenceResolves() {
            for (GenericKubernetesResource route : chart().custom(LINKERD, "HTTPRoute")) {
                List<Map<String, Object>> parents = field(route, "spec", "parentRefs");
                assertThat(parents)
                        .isNotEmpty()
                        .allSatisfy(parent ->
                                chart().custom(LINKERD, (String) parent.get("kind"), (String) parent.get("name")));
            }
            List<GenericKubernetesResource> policies = chart().custom(LINKERD, "AuthorizationPolicy");
            assertThat(policies).isNotEmpty();
            for (GenericKubernetesResource policy : policies) {
                chart().custom(
                                LINKERD,
                                field(policy, "spec", "targetRef", "kind"),
                                field(policy, "spec", "targetRef", "name"));
                List<Map<String, Object>> refs = field(policy, "spec", "requiredAuthenticationRefs");
                assertThat(refs)
                        .isNotEmpty()
                        .allSatisfy(ref -> chart().custom(LINKERD, (String) ref.get("kind"), (String) ref.get("name")));
            }
        }

        private GenericKubernetesResource authenticationOfApiRoute(String component) {
            GenericKubernetesResource route = chart().custom(LINKERD, "HTTPRoute", name(component) + "-api");
            assertThat(RenderedChart.<String>field(route, "spec", "parentRefs", 0, "name"))
                    .isEqualTo(name(component));
            GenericKubernetesResource policy = chart().custom(LINKERD, "AuthorizationPolicy").stream()
                    .filter(p -> route.getMetadata().getName().equals(p.get("spec", "targetRef", "name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "no AuthorizationPolicy for " + route.getMetadata().getName()));
            List<Map<String, Object>> refs = field(policy, "spec", "requiredAuthenticationRefs");
            assertThat(refs).hasSize(1);
            return chart().custom(LINKERD, (String) refs.getFirst().get("kind"), (String)
                    refs.getFirst().get("name"));
        }
    }

    @Nested
    class NetworkPolicies {

        NetworkPolicy policyOf(String component) {
            Deployment deployment = chart().deployment(component);
            List<NetworkPolicy> policies = chart().all(NetworkPolicy.class).stream()
                    .filter(policy ->
                            selects(policy.getSpec().getPodSelector().getMatchLabels(), podLabels(deployment)))
                    .toList();
            assertThat(policies).as("NetworkPolicies selecting " + component).hasSize(1);
            return policies.getFirst();
        }

        @Test
        void everyComponentIsIsolatedInBothDirections() {
            for (String component : COMPONENTS) {
                assertThat(policyOf(component).getSpec().getPolicyTypes())
                        .as(component)
                        .containsExactlyInAnyOrder("Ingress", "Egress");
            }
        }

        @Test
        void noRuleAdmitsEveryone() {
            for (NetworkPolicy policy : chart().all(NetworkPolicy.class)) {
                for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
                    assertThat(rule.getFrom())
                            .as(policy.getMetadata().getName() + " ingress peers")
                            .isNotEmpty();
                }
                for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
                    assertThat((rule.getTo() == null || rule.getTo().isEmpty())
                                    && (rule.getPorts() == null
                                            || rule.getPorts().isEmpty()))
                            .as(policy.getMetadata().getName() + " has an egress rule open to everything")
                            .isFalse();
                }
            }
        }

        @Test
        void onlyTheArchitectureFlowsReachEachComponent() {
            for (String component : COMPONENTS) {
                List<NetworkPolicyPeer> peers = policyOf(component).getSpec().getIngress().stream()
                        .flatMap(rule -> rule.getFrom().stream())
                        .toList();
                assertThat(componentsSelectedBy(peers))
                        .as("callers of " + component)
                        .containsExactlyInAnyOrderElementsOf(CALLERS.get(component));
            }
        }

        @Test
        void eachComponentCallsOnlyItsArchitectureDependencies() {
            for (String component : COMPONENTS) {
                List<NetworkPolicyPeer> peers = policyOf(component).getSpec().getEgress().stream()
                        .flatMap(rule -> Optional.ofNullable(rule.getTo()).orElse(List.of()).stream())
                        .toList();
                assertThat(componentsSelectedBy(peers))
                        .as("callees of " + component)
                        .containsExactlyInAnyOrderElementsOf(CALLEES.get(component));
            }
        }

        @Test
        void theIngressControllerReachesExactlyTheExposedComponents() {
            Set<String> exposed = chart().all(Ingress.class).stream()
                    .map(RenderedChart::componentOf)
                    .collect(Collectors.toSet());
            for (String component : COMPONENTS) {
                boolean admitsController = policyOf(component).getSpec().getIngress().stream()
                        .flatMap(rule -> rule.getFrom().stream())
                        .anyMatch(peer -> peer.getNamespaceSelector() != null
                                && "ingress-nginx"
                                        .equals(peer.getNamespaceSelector()
                                                .getMatchLabels()
                                                .get("kubernetes.io/metadata.name")));
                assertThat(admitsController)
                        .as("ingress controller may reach " + component)
                        .isEqualTo(exposed.contains(component));
            }
        }

        @Test
        void everyComponentResolvesNames() {
            for (String component : COMPONENTS) {
                assertThat(policyOf(component).getSpec().getEgress())
                        .as(component)
                        .anySatisfy(rule -> assertThat(rule.getPorts()).anySatisfy(port -> {
                            assertThat(port.getProtocol()).isEqualTo("UDP");
                            assertThat(port.getPort().getIntVal()).isEqualTo(53);
                        }));
            }
        }

        @Test
        void theRegistryReachesPostgres() {
            assertThat(policyOf("registry").getSpec().getEgress())
                    .flatExtracting(rule -> List.copyOf(ports(rule.getPorts())))
                    .contains(5432);
        }

        @Test
        void theAgentReachesTheLlmOverHttpsOnly() {
            List<NetworkPolicyEgressRule> external = policyOf("agent").getSpec().getEgress().stream()
                    .filter(rule ->
                            rule.getTo() != null && rule.getTo().stream().anyMatch(peer -> peer.getIpBlock() != null))
                    .toList();
            assertThat(external)
                    .singleElement()
                    .satisfies(rule -> assertThat(ports(rule.getPorts())).containsExactly(443));
            for (String component : List.of("registry", "calculator", "console")) {
                assertThat(policyOf(component).getSpec().getEgress())
                        .as(component)
                        .noneSatisfy(rule -> assertThat(rule.getTo())
                                .anySatisfy(
                                        peer -> assertThat(peer.getIpBlock()).isNotNull()));
            }
        }
    }

    @Nested
    class Observability {

        @Test
        void everyPodInvitesPrometheusToItsActuatorEndpoint() {
            for (Deployment deployment : deployments()) {
                Map<String, String> annotations = podAnnotations(deployment);
                assertThat(annotations)
                        .as(describe(deployment))
                        .containsEntry("prometheus.io/scrape", "true")
                        .containsEntry("prometheus.io/path", "/actuator/prometheus")
                        .containsEntry(
                                "prometheus.io/port",
                                String.valueOf(container(deployment)
                                        .getPorts()
                                        .getFirst()
                                        .getContainerPort()));
            }
        }

        @Test
        void logsAreStructured() {
            for (Deployment deployment : deployments()) {
                assertThat(chart().plainEnv(deployment))
                        .as(describe(deployment))
                        .containsEntry("AGENTFORGE_LOG_FORMAT", "ecs");
            }
        }
    }
}
