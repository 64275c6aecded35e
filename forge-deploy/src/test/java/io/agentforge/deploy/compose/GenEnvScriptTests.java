package io.agentforge.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/compose/gen-env.sh, run with bash: it turns .env.example into a .env Compose accepts. */
class GenEnvScriptTests {

    private static final Path SCRIPT = ComposeFile.DIR.resolve("gen-env.sh");

    /** What ./gen-env.sh writes: af_<12 of [a-z0-9]>_<40 of [A-Za-z0-9]>. */
    private static final String API_KEY = "af_[a-z0-9]{12}_[A-Za-z0-9]{40}";

    /** The API keys ./gen-env.sh generates: the admin key and one key per service. */
    private static final List<String> KEYS = List.of(
            "AGENTFORGE_ADMIN_KEY",
            "AGENTFORGE_AGENT_API_KEY",
            "AGENTFORGE_CALCULATOR_API_KEY",
            "AGENTFORGE_CONSOLE_API_KEY",
            "AGENTFORGE_GATEWAY_API_KEY");

    @TempDir
    Path temp;

    private record Run(int exitCode, String output) {}

    private static Run run(String... args) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        Stream.concat(Stream.of("bash", SCRIPT.toString()), java.util.Arrays.stream(args))
                                .toList())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Nested
    class AFreshEnvFile {

        @Test
        void holdsAWellFormedAdminKeyAndAStrongPasswordForEachDatabaseUser() throws Exception {
            Path env = temp.resolve(".env");
            assertThat(run(env.toString()).exitCode()).isZero();
            Map<String, String> values = EnvFile.read(env).resolved();
            assertThat(values.get("AGENTFORGE_ADMIN_KEY")).matches(API_KEY);
            assertThat(values.get("AGENTFORGE_DATABASE_PASSWORD")).matches("[A-Za-z0-9]{32}");
            assertThat(values.get("AGENTFORGE_AGENT_DATABASE_PASSWORD"))
                    .matches("[A-Za-z0-9]{32}")
                    .isNotEqualTo(values.get("AGENTFORGE_DATABASE_PASSWORD"));
        }

        @Test
        void holdsAWellFormedKeyForEachServiceEachWithItsOwnKeyId() throws Exception {
            Path env = temp.resolve(".env");
            assertThat(run(env.toString()).exitCode()).isZero();
            Map<String, String> values = EnvFile.read(env).resolved();
            List<String> keys = KEYS.stream().map(values::get).toList();
            assertThat(keys).allSatisfy(key -> assertThat(key).matches(API_KEY));
            assertThat(keys.stream().map(key -> key.split("_")[1]).toList()).doesNotHaveDuplicates();
        }

        @Test
        void holdsADashboardLoginWhosePasswordIsPrintedOnceAndStoredOnlyAsAHash() throws Exception {
            Path env = temp.resolve(".env");
            Run run = run(env.toString());
            EnvFile file = EnvFile.read(env);
            EnvFile.Entry users = file.entry("TRAEFIK_DASHBOARD_USERS");
            assertThat(users.singleQuoted())
                    .as("single-quoted, or Compose interpolates the $ of the hash")
                    .isTrue();
            assertThat(users.raw()).matches("admin:\\$apr1\\$[./0-9A-Za-z]{1,8}\\$[./0-9A-Za-z]{22}");
            String password = run.output().replaceAll("(?s).*password ([A-Za-z0-9]{24}) .*", "$1");
            assertThat(password).hasSize(24);
            assertThat(Files.readString(env)).doesNotContain(password);
        }

        @Test
        void keepsEveryOtherLineOfTheExample() throws Exception {
            Path env = temp.resolve(".env");
            run(env.toString());
            List<String> generated = Stream.concat(
                            KEYS.stream(),
                            Stream.of(
                                    "AGENTFORGE_DATABASE_PASSWORD",
                                    "AGENTFORGE_AGENT_DATABASE_PASSWORD",
                                    "TRAEFIK_DASHBOARD_USERS"))
                    .map(key -> key + "=")
                    .toList();
            assertThat(Files.readAllLines(env))
                    .filteredOn(line -> generated.stream().noneMatch(line::startsWith))
                    .containsExactlyElementsOf(Files.readAllLines(ComposeFile.ENV_EXAMPLE).stream()
                            .filter(line -> generated.stream().noneMatch(line::startsWith))
                            .toList());
        }

        @Test
        void isEnoughForComposeToStartAndValidate() throws Exception {
            Path env = temp.resolve(".env");
            run(env.toString());
            Map<String, String> values = EnvFile.read(env).resolved();
            ComposeFile resolved = ComposeFile.load().interpolated(values);
            assertThat(ComposeSchema.load().validate(resolved.root())).isEmpty();
            Map<String, ComposeFile.ServiceKey> provisioned = ComposeFile.serviceKeys(
                    resolved.service("registry").environment().get("AGENTFORGE_SERVICE_KEYS"));
            for (String service : ComposeFile.SERVICE_KEY_ROLES.keySet()) {
                String key = values.get("AGENTFORGE_" + service.toUpperCase() + "_API_KEY");
                assertThat(resolved.service(service).environment())
                        .as(service)
                        .containsEntry("AGENTFORGE_API_KEY", key);
                assertThat(provisioned.get(service).key()).as(service).isEqualTo(key);
            }
        }

        @Test
        void isReadableOnlyByItsOwner() throws Exception {
            Path env = temp.resolve(".env");
            run(env.toString());
            assertThat(Files.getPosixFilePermissions(env))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }

        @Test
        void differsFromTheLastOne() throws Exception {
            run(temp.resolve("a.env").toString());
            run(temp.resolve("b.env").toString());
            for (String key : KEYS) {
                assertThat(EnvFile.read(temp.resolve("a.env")).resolved().get(key))
                        .as(key)
                        .isNotEqualTo(
                                EnvFile.read(temp.resolve("b.env")).resolved().get(key));
            }
        }
    }

    @Nested
    class AnExistingEnvFile {

        @Test
        void isNotOverwrittenWithoutForce() throws Exception {
            Path env = temp.resolve(".env");
            Files.writeString(env, "AGENTFORGE_ADMIN_KEY=af_keepthis1_keepthiskeepthiskeep\n");
            Run run = run(env.toString());
            assertThat(run.exitCode()).isNotZero();
            assertThat(run.output()).contains("--force");
            assertThat(Files.readString(env)).contains("af_keepthis1_keepthiskeepthiskeep");
        }

        @Test
        void isReplacedWithForce() throws Exception {
            Path env = temp.resolve(".env");
            Files.writeString(env, "AGENTFORGE_ADMIN_KEY=af_keepthis1_keepthiskeepthiskeep\n");
            assertThat(run("--force", env.toString()).exitCode()).isZero();
            assertThat(Files.readString(env))
                    .doesNotContain("af_keepthis1_keepthiskeepthiskeep")
                    .contains("FORGE_CONSOLE_HOST=");
        }
    }
}
