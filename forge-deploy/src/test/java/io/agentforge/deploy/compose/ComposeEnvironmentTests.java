package io.agentforge.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.deploy.compose.ComposeFile.Service;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** .env.example documents the whole configuration surface of docker-compose.yml and holds no secret. */
class ComposeEnvironmentTests {

    private static final ComposeFile COMPOSE = ComposeFile.load();
    private static final EnvFile EXAMPLE = EnvFile.read(ComposeFile.ENV_EXAMPLE);

    /** Variables whose value is a credential: never committed, never written into the Compose file. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(KEY|PASSWORD|SECRET|USERS|TOKEN).*");

    /** Environment entries of the services that carry credentials. */
    private static final Pattern SECRET_ENV = Pattern.compile(".*(_KEY|PASSWORD|SECRET)$");

    private static final Set<String> REQUIRED = Set.of(
            "AGENTFORGE_ADMIN_KEY",
            "AGENTFORGE_AGENT_API_KEY",
            "AGENTFORGE_CALCULATOR_API_KEY",
            "AGENTFORGE_CONSOLE_API_KEY",
            "AGENTFORGE_GATEWAY_API_KEY",
            "AGENTFORGE_DATABASE_PASSWORD",
            "AGENTFORGE_AGENT_DATABASE_PASSWORD",
            "TRAEFIK_DASHBOARD_USERS");

    @Nested
    class Coverage {

        @Test
        void everyVariableTheComposeFileUsesIsInTheExample() {
            assertThat(EXAMPLE.keys()).containsAll(Interpolation.variablesInTree(COMPOSE.root()));
        }

        @Test
        void theExampleListsNoVariableTheComposeFileIgnores() {
            assertThat(Interpolation.variablesInTree(COMPOSE.root())).containsAll(EXAMPLE.keys());
        }

        @Test
        void everyVariableIsListedOnce() {
            assertThat(EXAMPLE.keys()).doesNotHaveDuplicates();
        }

        @Test
        void everyVariableHasACommentSayingWhatItIs() {
            for (EnvFile.Entry entry : EXAMPLE.entries()) {
                assertThat(String.join(" ", entry.comment()))
                        .as(entry.key() + " (line " + entry.line() + ")")
                        .hasSizeGreaterThan(10);
            }
        }

        @Test
        void theExampleValuesAreTheComposeFileDefaults() {
            Map<String, String> defaults = ComposeFile.exampleEnvWithSecrets();
            Map<String, String> unset = new HashMap<>();
            REQUIRED.forEach(secret -> unset.put(secret, defaults.get(secret)));
            // Same result whether the example's values are set or left out: the example documents the defaults.
            assertThat(COMPOSE.interpolated(unset).root())
                    .isEqualTo(COMPOSE.interpolated(defaults).root());
        }
    }

    @Nested
    class Secrets {

        @Test
        void theExampleHoldsNoSecretValue() {
            for (EnvFile.Entry entry : EXAMPLE.entries()) {
                if (SECRET_NAME.matcher(entry.key()).matches()) {
                    assertThat(entry.raw()).as(entry.key()).isEmpty();
                }
            }
        }

        @Test
        void theExampleHoldsNothingShapedLikeAnApiKeyOrAPasswordHash() {
            for (EnvFile.Entry entry : EXAMPLE.entries()) {
                assertThat(entry.raw())
                        .as(entry.key())
                        .doesNotContainPattern("af_[a-z0-9]{8,32}_[A-Za-z0-9_-]{16,}")
                        .doesNotContainPattern("sk-[A-Za-z0-9]")
                        .doesNotContain("$apr1$", "$2y$", "{SHA}");
            }
        }

        @Test
        void credentialsReachTheServicesOnlyThroughVariables() {
            for (Service service : COMPOSE.services()) {
                service.environment().forEach((name, value) -> {
                    if (SECRET_ENV.matcher(name).matches()) {
                        assertThat(value).as(service.name() + " " + name).startsWith("${");
                    }
                });
            }
        }

        @Test
        void theServiceKeysReachTheRegistryOnlyThroughVariables() {
            String serviceKeys = COMPOSE.service("registry").environment().get("AGENTFORGE_SERVICE_KEYS");
            for (String entry : serviceKeys.split(",")) {
                assertThat(entry)
                        .as(entry)
                        .matches("[a-z]+:[a-z+]+(:services=[a-z|*-]+(;kinds=[a-z|]+)?)?:\\$\\{[A-Z_]+:\\?[^}]*}");
            }
        }

        @Test
        void theExampleSaysEachServiceKeyIsRequiredWhatRoleItGetsAndWhereItComesFrom() {
            ComposeFile.SERVICE_KEY_ROLES.forEach((service, role) -> {
                String variable = "AGENTFORGE_" + service.toUpperCase() + "_API_KEY";
                assertThat(String.join(" ", EXAMPLE.entry(variable).comment()))
                        .as(variable)
                        .startsWith("Required.")
                        .contains("role " + role, "own keyId", "./gen-env.sh writes one");
            });
        }

        @Test
        void composeRefusesToStartWithoutTheRequiredSecrets() {
            for (String secret : REQUIRED) {
                Map<String, String> env = ComposeFile.exampleEnvWithSecrets();
                env.put(secret, "");
                assertThatThrownBy(() -> COMPOSE.interpolated(env))
                        .as(secret)
                        .isInstanceOfSatisfying(
                                Interpolation.MissingVariableException.class,
                                e -> assertThat(e.variable()).isEqualTo(secret))
                        .hasMessageContaining("gen-env.sh");
            }
        }

        @Test
        void theExampleAloneIsNotEnoughToStart() {
            assertThatThrownBy(() -> COMPOSE.interpolated(EXAMPLE.resolved()))
                    .isInstanceOf(Interpolation.MissingVariableException.class);
        }

        @Test
        void theGeneratedEnvFileIsIgnoredByGit() {
            assertThat(ComposeFile.DIR.resolve(".gitignore")).content().containsPattern("(?m)^\\.env$");
        }

        @Test
        void theDashboardUsersValueIsDocumentedAsSingleQuotedBecauseHashesContainDollars() {
            assertThat(String.join(" ", EXAMPLE.entry("TRAEFIK_DASHBOARD_USERS").comment()))
                    .contains("single quotes");
        }
    }

    @Nested
    class Documentation {

        private static final Path GUIDE =
                Path.of("..", "docs", "deploy-docker.md").toAbsolutePath().normalize();
        private static final Pattern VARIABLE =
                Pattern.compile("\\b(?:AGENTFORGE|FORGE|TRAEFIK|WATCHTOWER|OPENAI|POSTGRES)_[A-Z0-9_]+\\b");

        @Test
        void theGuideCoversStartScaleUpdateTlsAndBackups() {
            assertThat(GUIDE)
                    .content()
                    .contains(
                            "## Start",
                            "## Scale",
                            "## Update (Watchtower)",
                            "## TLS",
                            "## Back up PostgreSQL",
                            "docker compose up -d --scale calculator=3",
                            "./gen-env.sh");
        }

        @Test
        void theGuideExplainsThePerServiceKeysTheirRolesRotationAndRevocation() {
            assertThat(GUIDE)
                    .content()
                    .contains(
                            "### Per-service API keys",
                            "AGENTFORGE_SERVICE_KEYS",
                            "**Rotate a service key.**",
                            "**Revoke a service key.**",
                            "docker compose up -d registry calculator");
            ComposeFile.SERVICE_KEY_ROLES.forEach((service, role) -> assertThat(GUIDE)
                    .content()
                    .containsPattern("\\| " + service + " \\| `AGENTFORGE_" + service.toUpperCase() + "_API_KEY` \\| `"
                            + role + "` \\|"));
        }

        @Test
        void everyVariableTheGuideNamesExists() {
            Set<String> known = new HashSet<>(EXAMPLE.keys());
            COMPOSE.allServices()
                    .forEach(service -> known.addAll(service.environment().keySet()));
            known.add("COMPOSE_PROFILES"); // read by Compose itself
            known.add("AGENTFORGE_ENDPOINT"); // named because the Compose file deliberately leaves it unset
            Matcher matcher = VARIABLE.matcher(ComposeFile.read(GUIDE));
            Set<String> named = new HashSet<>();
            while (matcher.find()) {
                named.add(matcher.group());
            }
            assertThat(named)
                    .isNotEmpty()
                    .filteredOn(name -> !known.contains(name))
                    .isEmpty();
        }
    }
}
