package io.agentforge.deploy.compose;

import static io.agentforge.deploy.compose.ComposeFile.APP_PORTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.deploy.compose.ComposeFile.Service;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What docs/deploy-docker.md promises about the services of docker-compose.yml. */
class ComposeServicesTests {

    private static final ComposeFile COMPOSE = ComposeFile.load();

    /** The Compose file as Compose sees it on a machine that ran ./gen-env.sh and changed nothing else. */
    private static final ComposeFile RESOLVED = COMPOSE.interpolated(ComposeFile.exampleEnvWithSecrets());

    private static final Set<String> INFRASTRUCTURE = Set.of("traefik", "postgres", "watchtower");

    private static final Map<String, String> DEFAULT_HOSTS = Map.of(
            "console", "console.localhost",
            "agent", "agent.localhost",
            "registry", "registry.localhost",
            "calculator", "calculator.localhost",
            "gateway", "mcp.localhost");

    private static final Pattern ROUTER_SERVICE = Pattern.compile("^traefik\\.http\\.routers\\.([^.]+)\\.service$");
    private static final Pattern LB_PORT =
            Pattern.compile("^traefik\\.http\\.services\\.([^.]+)\\.loadbalancer\\.server\\.port$");

    private static List<Service> appServices() {
        return APP_PORTS.keySet().stream().sorted().map(COMPOSE::service).toList();
    }

    private static List<String> traefikCommand() {
        return RESOLVED.service("traefik").strings("command");
    }

    @Test
    void theStackIsTheFiveServicesPlusTraefikPostgresAndWatchtower() {
        assertThat(COMPOSE.serviceNames())
                .containsExactlyInAnyOrder(
                        "traefik", "postgres", "watchtower", "registry", "agent", "calculator", "console", "gateway");
    }

    @Nested
    class Exposure {

        @Test
        void onlyTraefikPublishesPorts() {
            assertThat(COMPOSE.services())
                    .filteredOn(service -> !service.strings("ports").isEmpty())
                    .extracting(Service::name)
                    .containsExactly("traefik");
        }

        @Test
        void traefikPublishesHttpAndHttpsOnTheConfiguredAddress() {
            assertThat(RESOLVED.service("traefik").strings("ports"))
                    .containsExactlyInAnyOrder("127.0.0.1:80:80", "127.0.0.1:443:443");
        }

        @Test
        void noServiceUsesTheHostNetworkOrExtraPrivileges() {
            for (Service service : COMPOSE.allServices()) {
                assertThat(service.spec())
                        .as(service.name())
                        .doesNotContainKeys("network_mode", "privileged", "pid", "ipc", "cap_add");
            }
        }

        @Test
        void theBackendNetworkIsInternalAndTraefikIsTheOnlyServiceOnTheEdge() {
            assertThat(COMPOSE.networks()).containsOnlyKeys("edge", "backend", "egress", "observability");
            assertThat(ComposeFile.asMap(COMPOSE.networks().get("backend"))).containsEntry("internal", true);
            assertThat(COMPOSE.services())
                    .filteredOn(service -> service.networks().contains("edge"))
                    .extracting(Service::name)
                    .containsExactly("traefik");
            assertThat(COMPOSE.service("traefik").networks()).containsExactlyInAnyOrder("edge", "backend");
        }

        @Test
        void theDatabaseTheRegistryAndTheToolLiveOnlyOnTheBackend() {
            for (String name : List.of("postgres", "registry", "calculator")) {
                assertThat(COMPOSE.service(name).networks()).as(name).containsExactly("backend");
            }
        }

        @Test
        void servicesThatCallOutsideJoinEgressButAdvertiseTheirBackendAddress() {
            for (String name : List.of("agent", "console")) {
                Service service = COMPOSE.service(name);
                assertThat(service.networks()).as(name).containsExactlyInAnyOrder("backend", "egress");
                assertThat(((Number) service.network("backend").get("priority")).intValue())
                        .as(name)
                        .isGreaterThan(priority(service.network("egress")));
            }
        }

        private static int priority(Map<String, Object> attachment) {
            Object priority = attachment.get("priority");
            return priority == null ? 0 : ((Number) priority).intValue();
        }

        @Test
        void traefikReachesContainersOverTheBackendNetworkByItsName() {
            assertThat(traefikCommand()).contains("--providers.docker.network=agent-forge-backend");
            assertThat(ComposeFile.asMap(COMPOSE.networks().get("backend")))
                    .containsEntry("name", "agent-forge-backend");
        }
    }

    @Nested
    class Routing {

        @Test
        void traefikRoutesOnlyContainersThatAskForIt() {
            assertThat(traefikCommand())
                    .contains("--providers.docker.exposedbydefault=false")
                    .noneMatch(argument -> argument.startsWith("--api.insecure"));
            assertThat(COMPOSE.services())
                    .filteredOn(service -> "true".equals(service.labels().get("traefik.enable")))
                    .extracting(Service::name)
                    .containsExactlyInAnyOrder("traefik", "registry", "agent", "calculator", "console", "gateway");
        }

        @Test
        void everyAppServiceHasAnHttpsRouterOnItsOwnHost() {
            for (Service service : appServices()) {
                Map<String, String> labels = RESOLVED.service(service.name()).labels();
                String router = "traefik.http.routers." + service.name();
                assertThat(labels.get(router + ".rule"))
                        .as(service.name())
                        .startsWith("Host(`" + DEFAULT_HOSTS.get(service.name()) + "`)");
                assertThat(labels)
                        .as(service.name())
                        .containsEntry(router + ".entrypoints", "websecure")
                        .containsEntry(router + ".tls", "true")
                        .containsEntry(router + ".service", service.name())
                        .containsKey(router + ".tls.certresolver");
            }
        }

        @Test
        void eachHostComesFromItsOwnVariable() {
            for (Service service : appServices()) {
                String rule = service.labels().get("traefik.http.routers." + service.name() + ".rule");
                assertThat(Interpolation.variables(rule))
                        .as(service.name())
                        .containsExactly("FORGE_" + service.name().toUpperCase() + "_HOST");
            }
        }

        @Test
        void everyTraefikServicePortIsThePortTheAppListensOn() {
            for (Service service : appServices()) {
                Map<String, String> ports = labelsMatching(service, LB_PORT);
                assertThat(ports)
                        .as(service.name())
                        .containsExactly(Map.entry(service.name(), String.valueOf(APP_PORTS.get(service.name()))));
            }
        }

        @Test
        void everyRouterPointsAtAServiceDefinedOnTheSameContainerOrAtTraefikItself() {
            List<Service> routed = COMPOSE.services().stream()
                    .filter(service -> !labelsMatching(service, ROUTER_SERVICE).isEmpty())
                    .toList();
            // The four app services and the dashboard: a loop over no router would check nothing.
            assertThat(routed)
                    .extracting(Service::name)
                    .containsExactlyInAnyOrder("traefik", "registry", "agent", "calculator", "console", "gateway");
            for (Service service : routed) {
                Set<String> defined = labelsMatching(service, LB_PORT).keySet();
                labelsMatching(service, ROUTER_SERVICE)
                        .forEach(
                                (router, target) -> assertThat(defined.contains(target) || target.endsWith("@internal"))
                                        .as("%s: router %s -> %s", service.name(), router, target)
                                        .isTrue());
            }
        }

        @Test
        void actuatorEndpointsAreNotRoutedFromOutside() {
            for (Service service : appServices()) {
                assertThat(service.labels().get("traefik.http.routers." + service.name() + ".rule"))
                        .as(service.name())
                        .contains("!PathPrefix(`/actuator`)");
            }
        }

        @Test
        void plainHttpIsRedirectedToHttps() {
            assertThat(traefikCommand())
                    .contains(
                            "--entrypoints.web.address=:80",
                            "--entrypoints.websecure.address=:443",
                            "--entrypoints.web.http.redirections.entrypoint.to=:443",
                            "--entrypoints.web.http.redirections.entrypoint.scheme=https");
        }

        @Test
        void theDashboardIsServedOnlyBehindBasicAuthFromARequiredSecret() {
            Map<String, String> labels = COMPOSE.service("traefik").labels();
            assertThat(traefikCommand()).contains("--api.dashboard=true");
            assertThat(labels)
                    .containsEntry("traefik.http.routers.dashboard.service", "api@internal")
                    .containsEntry("traefik.http.routers.dashboard.middlewares", "dashboard-auth")
                    .containsEntry("traefik.http.routers.dashboard.entrypoints", "websecure");
            assertThat(labels.get("traefik.http.middlewares.dashboard-auth.basicauth.users"))
                    .startsWith("${TRAEFIK_DASHBOARD_USERS:?");
        }
    }

    @Nested
    class Tls {

        @Test
        void routersUseTheConfiguredResolverAndNoneByDefault() {
            Map<String, String> resolvers = new HashMap<>();
            for (Service service : COMPOSE.services()) {
                service.labels().entrySet().stream()
                        .filter(label -> label.getKey().endsWith(".tls.certresolver"))
                        .forEach(label -> resolvers.put(service.name() + " " + label.getKey(), label.getValue()));
            }
            // Every router has one (the five app services and the dashboard): a loop over none would check nothing.
            assertThat(resolvers).hasSize(6);
            resolvers.forEach((label, value) -> assertThat(value).as(label).isEqualTo("${FORGE_CERT_RESOLVER:-}"));
            assertThat(RESOLVED.service("console").labels())
                    .containsEntry("traefik.http.routers.console.tls.certresolver", "");
        }

        @Test
        void theLetsEncryptResolverSolvesHttpChallengesAndKeepsItsAccountInAVolume() {
            assertThat(traefikCommand())
                    .contains(
                            "--certificatesresolvers.letsencrypt.acme.httpchallenge=true",
                            "--certificatesresolvers.letsencrypt.acme.httpchallenge.entrypoint=web",
                            "--certificatesresolvers.letsencrypt.acme.storage=/letsencrypt/acme.json",
                            "--certificatesresolvers.letsencrypt.acme.caserver=https://acme-v02.api.letsencrypt.org/directory");
            assertThat(COMPOSE.service("traefik").strings("volumes")).contains("traefik-acme:/letsencrypt");
            assertThat(COMPOSE.volumes()).containsKey("traefik-acme");
        }

        @Test
        void theDynamicTlsConfigurationIsMountedReadOnly() {
            assertThat(COMPOSE.service("traefik").strings("volumes"))
                    .contains("./traefik/dynamic:/etc/traefik/dynamic:ro");
            assertThat(traefikCommand()).contains("--providers.file.directory=/etc/traefik/dynamic");
            assertThat(ComposeFile.DIR.resolve("traefik/dynamic/tls.yml")).isRegularFile();
            assertThat(ComposeFile.DIR.resolve("traefik/dynamic/middlewares.yml"))
                    .content()
                    .contains("security-headers:");
        }
    }

    @Nested
    class Scaling {

        @Test
        void noAppServicePinsAContainerNameHostnameOrHostPort() {
            for (Service service : appServices()) {
                assertThat(service.spec()).as(service.name()).doesNotContainKeys("container_name", "hostname", "ports");
            }
        }

        @Test
        void noContainerIsToldWhatEndpointToAdvertise() {
            for (Service service : appServices()) {
                assertThat(service.environment()).as(service.name()).doesNotContainKey("AGENTFORGE_ENDPOINT");
            }
        }

        @Test
        void noServiceIsPinnedToAFixedAddress() {
            for (Service service : COMPOSE.services()) {
                for (String network : service.networks()) {
                    assertThat(service.network(network))
                            .as(service.name() + " on " + network)
                            .doesNotContainKeys("ipv4_address", "ipv6_address");
                }
            }
        }
    }

    @Nested
    class Health {

        @Test
        void everyAppServiceChecksItsOwnReadinessEndpoint() {
            for (Service service : appServices()) {
                assertThat(service.healthcheckTest())
                        .as(service.name())
                        .containsExactly(
                                "CMD",
                                "java",
                                "@/opt/healthcheck/java.args",
                                "HealthCheck",
                                "http://127.0.0.1:" + APP_PORTS.get(service.name()) + "/actuator/health/readiness");
            }
        }

        @Test
        void everyAppServiceGivesTheJvmTimeToStartBeforeFailuresCount() {
            for (Service service : appServices()) {
                assertThat(service.map("healthcheck"))
                        .as(service.name())
                        .containsKeys("interval", "timeout", "retries", "start_period");
            }
        }

        @Test
        void postgresAndTraefikHaveHealthChecksToo() {
            assertThat(COMPOSE.service("postgres").healthcheckTest()).first().isEqualTo("CMD-SHELL");
            assertThat(COMPOSE.service("postgres").healthcheckTest().get(1)).startsWith("pg_isready");
            assertThat(COMPOSE.service("traefik").healthcheckTest())
                    .containsExactly("CMD", "traefik", "healthcheck", "--ping");
            assertThat(traefikCommand()).contains("--ping=true");
        }

        @Test
        void servicesStartOnlyOnceWhatTheyNeedIsHealthy() {
            assertThat(COMPOSE.service("registry").dependsOn())
                    .containsExactly(Map.entry("postgres", "service_healthy"));
            assertThat(COMPOSE.service("agent").dependsOn())
                    .containsOnly(Map.entry("postgres", "service_healthy"), Map.entry("registry", "service_healthy"));
            assertThat(COMPOSE.service("calculator").dependsOn())
                    .containsExactly(Map.entry("registry", "service_healthy"));
            assertThat(COMPOSE.service("console").dependsOn())
                    .containsOnly(Map.entry("registry", "service_healthy"), Map.entry("agent", "service_healthy"));
        }

        @Test
        void everyDependencyIsOnAServiceThatHasAHealthCheck() {
            for (Service service : COMPOSE.services()) {
                service.dependsOn().forEach((dependency, condition) -> {
                    assertThat(condition)
                            .as(service.name() + " -> " + dependency)
                            .isEqualTo("service_healthy");
                    assertThat(COMPOSE.service(dependency).healthcheckTest())
                            .as(dependency)
                            .isNotEmpty();
                });
            }
        }
    }

    @Nested
    class RuntimeContract {

        @Test
        void eachImageIsBuiltFromTheSharedDockerfileForItsComponentAndPort() {
            for (Service service : appServices()) {
                Map<String, Object> build = service.map("build");
                assertThat(build)
                        .as(service.name())
                        .containsEntry("context", "../..")
                        .containsEntry("dockerfile", "deploy/docker/Dockerfile");
                assertThat(ComposeFile.asMap(build.get("args")))
                        .as(service.name())
                        .containsEntry("COMPONENT", service.name())
                        .containsEntry("PORT", String.valueOf(APP_PORTS.get(service.name())));
                assertThat(RESOLVED.service(service.name()).string("image"))
                        .as(service.name())
                        .hasValue("ghcr.io/agent-forge/forge-" + service.name() + ":latest");
            }
            assertThat(ComposeFile.DIR
                            .resolve("../..")
                            .resolve("deploy/docker/Dockerfile")
                            .normalize())
                    .isEqualTo(Dockerfile.FILE)
                    .isRegularFile();
        }

        @Test
        void theRegistryKeepsItsStateInPostgres() {
            assertThat(COMPOSE.service("registry").environment())
                    .containsEntry("AGENTFORGE_REGISTRY_STORE", "postgres")
                    .containsEntry("AGENTFORGE_DATABASE_URL", "jdbc:postgresql://postgres:5432/agentforge")
                    .containsKeys(
                            "AGENTFORGE_ADMIN_KEY",
                            "AGENTFORGE_SERVICE_KEYS",
                            "AGENTFORGE_DATABASE_USER",
                            "AGENTFORGE_DATABASE_PASSWORD",
                            "AGENTFORGE_LOG_FORMAT",
                            "AGENTFORGE_OTLP_ENDPOINT");
        }

        @Test
        void theAgentKeepsConversationsInItsOwnSchemaOfTheSameDatabase() {
            assertThat(COMPOSE.service("agent").environment())
                    .containsEntry(
                            "AGENTFORGE_DATABASE_URL", "jdbc:postgresql://postgres:5432/agentforge?currentSchema=agent")
                    .containsKeys(
                            "AGENTFORGE_DATABASE_USER",
                            "AGENTFORGE_DATABASE_PASSWORD",
                            "OPENAI_API_KEY",
                            "AGENTFORGE_LLM_BASE_URL",
                            "AGENTFORGE_LLM_MODEL",
                            "AGENTFORGE_JWT_ISSUER_URI",
                            "AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE");
            assertThat(COMPOSE.service("postgres").environment()).containsEntry("POSTGRES_DB", "agentforge");
        }

        @Test
        void theAgentAlwaysChecksTheAudienceOfUsersJwts() {
            // Compose cannot require a variable only when another is set: the audience has a default instead, so
            // an issuer set without an audience never means "any JWT of the issuer".
            assertThat(RESOLVED.service("agent").environment())
                    .containsEntry("AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE", "agent");
            Map<String, String> env = new HashMap<>(ComposeFile.exampleEnvWithSecrets());
            env.put("AGENTFORGE_JWT_ISSUER_URI", "https://login.example.com/realms/forge");
            env.put("AGENTFORGE_JWT_AUDIENCE", "");
            assertThat(COMPOSE.interpolated(env).service("agent").environment())
                    .containsEntry("AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE", "agent");
            env.put("AGENTFORGE_JWT_AUDIENCE", "forge-agent");
            assertThat(COMPOSE.interpolated(env).service("agent").environment())
                    .containsEntry("AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE", "forge-agent");
        }

        @Test
        void theToolAndTheAgentRefuseLongLivedKeysFromCallers() {
            for (String name : List.of("calculator", "agent")) {
                assertThat(RESOLVED.service(name).environment())
                        .as(name)
                        .containsEntry("AGENTFORGE_SECURITY_ACCEPT_API_KEYS", "false");
            }
        }

        @Test
        void everyAppServiceMayCallPrivateAddressesBecauseTheBackendNetworkIsPrivate() {
            for (Service service : appServices()) {
                if (service.name().equals("registry")) {
                    // The registry has its own endpoint policy; the callers' setting would have no effect there.
                    assertThat(RESOLVED.service("registry").environment())
                            .doesNotContainKey("AGENTFORGE_OUTBOUND_ALLOW_PRIVATE");
                    continue;
                }
                assertThat(RESOLVED.service(service.name()).environment())
                        .as(service.name())
                        .containsEntry("AGENTFORGE_OUTBOUND_ALLOW_PRIVATE", "true")
                        .doesNotContainKey("AGENTFORGE_OUTBOUND_ALLOW_LOOPBACK");
            }
        }

        @Test
        void clientsFindTheRegistryByServiceNameAndAuthenticateWithAKey() {
            for (String name : List.of("agent", "calculator", "console")) {
                Map<String, String> env = RESOLVED.service(name).environment();
                assertThat(env)
                        .as(name)
                        .containsEntry("AGENTFORGE_REGISTRY_URL", "http://registry:8081")
                        .containsKey("AGENTFORGE_LOG_FORMAT")
                        // Tracing through the one setting every service reads; off unless .env sets it.
                        .containsEntry("AGENTFORGE_OTLP_ENDPOINT", "");
                assertThat(env.get("AGENTFORGE_API_KEY")).as(name).matches("af_[a-z0-9]{8,32}_[A-Za-z0-9_-]{16,128}");
            }
        }

        @Test
        void theConsoleTalksToTheAgentAndSignsPeopleInWithApiKeysByDefault() {
            assertThat(RESOLVED.service("console").environment())
                    .containsEntry("AGENTFORGE_AGENT_URL", "http://agent:8082")
                    .containsEntry("AGENTFORGE_CONSOLE_AUTH", "api-key")
                    .containsKeys(
                            "AGENTFORGE_OIDC_ISSUER_URI", "AGENTFORGE_OIDC_CLIENT_ID", "AGENTFORGE_OIDC_CLIENT_SECRET");
        }

        @Test
        void everyAppServiceHasAMemoryLimitForTheJvmToSizeItsHeapFrom() {
            for (Service service : appServices()) {
                assertThat(service.string("mem_limit").orElse(""))
                        .as(service.name())
                        .matches("\\d+[mg]");
            }
        }
    }

    @Nested
    class ApiKeys {

        private static final Map<String, String> ENV = ComposeFile.exampleEnvWithSecrets();

        private static String keyVariable(String service) {
            return "AGENTFORGE_" + service.toUpperCase() + "_API_KEY";
        }

        private static Map<String, ComposeFile.ServiceKey> provisioned(ComposeFile resolved) {
            return ComposeFile.serviceKeys(
                    resolved.service("registry").environment().get("AGENTFORGE_SERVICE_KEYS"));
        }

        @Test
        void eachServicePresentsItsOwnRequiredKeyWithNoFallback() {
            for (String name : ComposeFile.SERVICE_KEY_ROLES.keySet()) {
                String value = COMPOSE.service(name).environment().get("AGENTFORGE_API_KEY");
                assertThat(value)
                        .as(name)
                        .startsWith("${" + keyVariable(name) + ":?")
                        .contains("gen-env.sh");
                assertThat(Interpolation.variables(value)).as(name).containsExactly(keyVariable(name));
                assertThat(RESOLVED.service(name).environment())
                        .as(name)
                        .containsEntry("AGENTFORGE_API_KEY", ENV.get(keyVariable(name)));
            }
        }

        @Test
        void theRegistryProvisionsEachServiceKeyUnderTheServiceNameWithItsLeastPrivilegeRole() {
            Map<String, ComposeFile.ServiceKey> keys = provisioned(RESOLVED);
            assertThat(keys).containsOnlyKeys(ComposeFile.SERVICE_KEY_ROLES.keySet());
            ComposeFile.SERVICE_KEY_ROLES.forEach((name, role) -> {
                assertThat(keys.get(name).roles()).as(name).isEqualTo(role);
                assertThat(keys.get(name).key()).as(name).isEqualTo(ENV.get(keyVariable(name)));
            });
        }

        @Test
        void eachServicePresentsTheKeyTheRegistryProvisionsForIt() {
            Map<String, String> env = new HashMap<>(ENV);
            env.put("AGENTFORGE_CALCULATOR_API_KEY", "af_rotated0001_RotatedSecretRotatedSecret01");
            ComposeFile resolved = COMPOSE.interpolated(env);
            Map<String, ComposeFile.ServiceKey> keys = provisioned(resolved);
            for (String name : ComposeFile.SERVICE_KEY_ROLES.keySet()) {
                assertThat(resolved.service(name).environment().get("AGENTFORGE_API_KEY"))
                        .as(name)
                        .isEqualTo(keys.get(name).key());
            }
            assertThat(keys.get("calculator").key()).isEqualTo("af_rotated0001_RotatedSecretRotatedSecret01");
        }

        @Test
        void eachServiceKeyIsScopedToItsOwnNameAndOnlyTheAgentsMayRegisterAnAgent() {
            Map<String, ComposeFile.ServiceKey> keys = provisioned(RESOLVED);
            assertThat(keys).isNotEmpty();
            keys.forEach((name, key) -> {
                if (key.roles().contains("service")) {
                    assertThat(key.services())
                            .as(name + ": a service key names the services it may register")
                            .containsExactly(name);
                } else {
                    assertThat(key.roles()).as(name).isEqualTo("client");
                    assertThat(key.services())
                            .as(name + ": a client key registers nothing")
                            .isEmpty();
                    assertThat(key.kinds()).as(name).isEmpty();
                }
            });
            assertThat(keys.get("agent").kinds()).containsExactly("agent");
            assertThat(keys).allSatisfy((name, key) -> {
                if (!name.equals("agent")) {
                    assertThat(key.kinds()).as(name).doesNotContain("agent");
                }
            });
            assertThat(keys.get("console").roles()).isEqualTo("client");
        }

        @Test
        void neitherTheRegistryNorTheServiceStartsWithoutTheServiceKey() {
            for (String name : ComposeFile.SERVICE_KEY_ROLES.keySet()) {
                Map<String, String> env = new HashMap<>(ENV);
                env.put(keyVariable(name), "");
                for (String service : List.of("registry", name)) {
                    assertThatThrownBy(() -> Interpolation.interpolateTree(
                                    COMPOSE.service(service).spec(), env))
                            .as(service + " without " + keyVariable(name))
                            .isInstanceOfSatisfying(
                                    Interpolation.MissingVariableException.class,
                                    e -> assertThat(e.variable()).isEqualTo(keyVariable(name)))
                            .hasMessageContaining("gen-env.sh");
                }
            }
        }

        @Test
        void onlyTheRegistrySeesTheAdminKey() {
            assertThat(COMPOSE.services())
                    .filteredOn(service ->
                            Interpolation.variablesInTree(service.spec()).contains("AGENTFORGE_ADMIN_KEY"))
                    .extracting(Service::name)
                    .containsExactly("registry");
            String adminKey = ENV.get("AGENTFORGE_ADMIN_KEY");
            for (Service service : RESOLVED.services()) {
                if (!service.name().equals("registry")) {
                    assertThat(service.environment().values())
                            .as(service.name())
                            .noneSatisfy(value -> assertThat(value).contains(adminKey));
                }
            }
        }
    }

    @Nested
    class Privileges {

        @Test
        void noAgentForgeServiceRunsAsRoot() {
            // No service sets user:, so each runs as its image's USER: the shared Dockerfile's final stage.
            String imageUser = Dockerfile.load()
                    .finalStage()
                    .last("USER")
                    .orElseThrow(() -> new AssertionError("the Dockerfile's final stage sets no USER: root"))
                    .arguments();
            List<Service> services = appServices();
            assertThat(services).hasSize(APP_PORTS.size());
            for (Service service : services) {
                assertThat(service.map("build"))
                        .as(service.name())
                        .containsEntry("dockerfile", "deploy/docker/Dockerfile");
                String user = service.string("user").orElse(imageUser);
                assertThat(user.split(":")[0])
                        .as(service.name())
                        .isNotIn("root", "0", "")
                        .matches("[1-9][0-9]*");
            }
        }

        @Test
        void noOtherServiceIsToldToRunAsRoot() {
            // traefik, postgres and watchtower run as their images decide (postgres drops to its own user).
            for (Service service : COMPOSE.services()) {
                service.string("user")
                        .ifPresent(user -> assertThat(user.split(":")[0])
                                .as(service.name())
                                .isNotIn("root", "0", ""));
            }
        }

        @Test
        void appContainersAreReadOnlyWithoutCapabilitiesOrPrivilegeEscalation() {
            for (Service service : appServices()) {
                assertThat(service.spec()).as(service.name()).containsEntry("read_only", true);
                assertThat(service.strings("cap_drop")).as(service.name()).containsExactly("ALL");
                assertThat(service.strings("security_opt")).as(service.name()).contains("no-new-privileges:true");
                assertThat(service.strings("tmpfs")).as(service.name()).anyMatch(mount -> mount.startsWith("/tmp"));
            }
        }

        @Test
        void onlyTraefikAndWatchtowerSeeTheDockerSocketAndOnlyWatchtowerMayWriteToIt() {
            Map<String, List<String>> socketMounts = COMPOSE.services().stream()
                    .collect(Collectors.toMap(
                            Service::name,
                            service -> service.strings("volumes").stream()
                                    .filter(volume -> volume.startsWith("/var/run/docker.sock"))
                                    .toList()));
            socketMounts.values().removeIf(List::isEmpty);
            assertThat(socketMounts).containsOnlyKeys("traefik", "watchtower");
            assertThat(socketMounts.get("traefik")).containsExactly("/var/run/docker.sock:/var/run/docker.sock:ro");
        }
    }

    @Nested
    class Updates {

        @Test
        void watchtowerWatchesOnlyLabelledContainers() {
            assertThat(COMPOSE.service("watchtower").environment()).containsEntry("WATCHTOWER_LABEL_ENABLE", "true");
        }

        @Test
        void theFourServicesAreLabelledForUpdatesAndNothingElseIs() {
            assertThat(COMPOSE.services())
                    .filteredOn(service -> "true".equals(service.labels().get("com.centurylinklabs.watchtower.enable")))
                    .extracting(Service::name)
                    .containsExactlyInAnyOrder("registry", "agent", "calculator", "console", "gateway");
            for (String name : INFRASTRUCTURE) {
                assertThat(COMPOSE.service(name).labels())
                        .as(name)
                        .containsEntry("com.centurylinklabs.watchtower.enable", "false");
            }
        }

        @Test
        void watchtowerReplacesOneContainerAtATime() {
            assertThat(COMPOSE.service("watchtower").environment()).containsEntry("WATCHTOWER_ROLLING_RESTART", "true");
        }
    }

    @Nested
    class Database {

        @Test
        void postgres17KeepsItsDataInANamedVolume() {
            Service postgres = COMPOSE.service("postgres");
            assertThat(postgres.string("image").orElse("")).matches("postgres:17(\\.[0-9]+)*(-.*)?");
            assertThat(postgres.strings("volumes"))
                    .containsExactly(
                            "postgres-data:/var/lib/postgresql/data",
                            "./postgres/initdb:/docker-entrypoint-initdb.d:ro");
            assertThat(ComposeFile.asMap(COMPOSE.volumes().get("postgres-data")))
                    .containsEntry("name", "agent-forge-postgres-data");
        }

        @Test
        void theRegistryUsesTheDatabaseOwnersUserAndPassword() {
            Map<String, String> postgres = COMPOSE.service("postgres").environment();
            Map<String, String> registry = COMPOSE.service("registry").environment();
            assertThat(registry.get("AGENTFORGE_DATABASE_USER")).isEqualTo(postgres.get("POSTGRES_USER"));
            assertThat(registry.get("AGENTFORGE_DATABASE_PASSWORD")).isEqualTo(postgres.get("POSTGRES_PASSWORD"));
        }

        @Test
        void theAgentAndTheRegistryUseDifferentDatabaseUsers() {
            Map<String, String> registry = RESOLVED.service("registry").environment();
            Map<String, String> agent = RESOLVED.service("agent").environment();
            assertThat(agent.get("AGENTFORGE_DATABASE_USER"))
                    .isEqualTo("agent")
                    .isNotEqualTo(registry.get("AGENTFORGE_DATABASE_USER"));
            assertThat(agent.get("AGENTFORGE_DATABASE_PASSWORD"))
                    .isNotEqualTo(registry.get("AGENTFORGE_DATABASE_PASSWORD"));
            assertThat(COMPOSE.service("agent").environment().get("AGENTFORGE_DATABASE_PASSWORD"))
                    .startsWith("${AGENTFORGE_AGENT_DATABASE_PASSWORD:?");
        }

        @Test
        void postgresCreatesTheAgentsUserWithThePasswordTheAgentUses() {
            Service postgres = COMPOSE.service("postgres");
            assertThat(postgres.strings("volumes")).contains("./postgres/initdb:/docker-entrypoint-initdb.d:ro");
            assertThat(postgres.environment().get("AGENTFORGE_AGENT_DATABASE_PASSWORD"))
                    .isEqualTo(COMPOSE.service("agent").environment().get("AGENTFORGE_DATABASE_PASSWORD"));
            assertThat(ComposeFile.DIR.resolve("postgres/initdb/10-agent-schema.sql"))
                    .isRegularFile();
            assertThat(ComposeFile.DIR.resolve("postgres/initdb/20-agent-password.sh"))
                    .isExecutable()
                    .content()
                    .contains("AGENTFORGE_AGENT_DATABASE_PASSWORD", "ALTER ROLE agent");
        }
    }

    private static Map<String, String> labelsMatching(Service service, Pattern pattern) {
        return service.labels().entrySet().stream()
                .map(label -> Map.entry(pattern.matcher(label.getKey()), label.getValue()))
                .filter(entry -> entry.getKey().matches())
                .collect(Collectors.toMap(entry -> group(entry.getKey()), Map.Entry::getValue));
    }

    private static String group(Matcher matcher) {
        return matcher.group(1);
    }
}
