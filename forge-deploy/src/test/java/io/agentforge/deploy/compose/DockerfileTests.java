package io.agentforge.deploy.compose;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.deploy.compose.Dockerfile.Instruction;
import io.agentforge.deploy.compose.Dockerfile.Stage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/docker/Dockerfile: one recipe for the four services, non-root, layered, with an actuator health check. */
class DockerfileTests {

    private static final Dockerfile DOCKERFILE = Dockerfile.load();
    private static final Path REPOSITORY = Dockerfile.DIR.resolve("../..").normalize();

    private static String words(Instruction instruction) {
        return instruction.arguments().replaceAll("\\s+", " ");
    }

    @Nested
    class Build {

        @Test
        void aGlobalArgumentChoosesWhereTheJarComesFrom() {
            assertThat(DOCKERFILE.global()).contains(new Instruction("ARG", "JAR_SOURCE=maven"));
            assertThat(DOCKERFILE.stage("jar").base()).isEqualTo("jar-${JAR_SOURCE}");
            assertThat(DOCKERFILE.stages()).extracting(Stage::name).contains("jar-maven", "jar-prebuilt");
        }

        @Test
        void theMavenStageBuildsOnlyTheRequestedModuleAndItsDependenciesWithJdk21() {
            Stage maven = DOCKERFILE.stage("jar-maven");
            assertThat(maven.base()).isEqualTo("maven:3.9-eclipse-temurin-21");
            assertThat(maven.all("ARG")).contains(new Instruction("ARG", "COMPONENT"));
            assertThat(maven.all("RUN"))
                    .singleElement()
                    .satisfies(run -> assertThat(words(run))
                            .contains("-pl \"forge-${COMPONENT}\" -am package")
                            .contains("-B ")
                            .contains("--mount=type=cache")
                            .contains("cp \"forge-${COMPONENT}/target/forge-${COMPONENT}-\"*-exec.jar /app.jar"));
        }

        @Test
        void thePrebuiltStageTakesTheExecJarMavenWritesOnTheHost() {
            assertThat(DOCKERFILE.stage("jar-prebuilt").all("COPY"))
                    .containsExactly(new Instruction(
                            "COPY", "forge-${COMPONENT}/target/forge-${COMPONENT}-*-exec.jar /app.jar"));
        }

        @Test
        void springBootLayersAreExtractedWithTheToolsJarModeAsAJarAndItsLibraries() {
            // Not the launcher layout: class data sharing archives classes from jars only, not from BOOT-INF/classes.
            Stage layers = DOCKERFILE.stage("layers");
            assertThat(layers.all("RUN"))
                    .extracting(DockerfileTests::words)
                    .contains("java -Djarmode=tools -jar app.jar extract --layers --destination extracted");
        }
    }

    @Nested
    class Runtime {

        private final Stage runtime = DOCKERFILE.finalStage();

        @Test
        void runsOnAJava21Jre() {
            assertThat(runtime.base()).isEqualTo("eclipse-temurin:21-jre");
        }

        @Test
        void runsAsTheNonRootUserItCreates() {
            String user = runtime.last("USER").orElseThrow().arguments();
            assertThat(user.split(":")[0]).isNotIn("root", "0").matches("[1-9][0-9]*");
            assertThat(runtime.all("RUN"))
                    .extracting(DockerfileTests::words)
                    .anyMatch(run -> run.contains("useradd") && run.contains("--uid " + user.split(":")[0]));
            assertThat(runtime.instructions().getLast().keyword())
                    .as("nothing runs as root after USER")
                    .isIn("ENTRYPOINT", "CMD");
            int userIndex = runtime.instructions().indexOf(runtime.last("USER").orElseThrow());
            assertThat(runtime.instructions()
                            .subList(userIndex, runtime.instructions().size()))
                    .extracting(Instruction::keyword)
                    .doesNotContain("RUN");
        }

        @Test
        void copiesTheLayersFromTheLeastToTheMostOftenChanged() {
            assertThat(runtime.all("COPY"))
                    .extracting(Instruction::arguments)
                    .startsWith(
                            "--from=layers /layers/extracted/dependencies/ ./",
                            "--from=layers /layers/extracted/spring-boot-loader/ ./",
                            "--from=layers /layers/extracted/snapshot-dependencies/ ./",
                            "--from=layers /layers/extracted/application/ ./");
        }

        @Test
        void startsTheJvmDirectlySoItGetsTheStopSignalAndMapsTheClassesFromTheTrainedArchive() {
            assertThat(runtime.last("ENTRYPOINT"))
                    .hasValue(new Instruction(
                            "ENTRYPOINT", "[\"java\", \"-XX:SharedArchiveFile=app.jsa\", \"-jar\", \"app.jar\"]"));
        }

        @Test
        void aTrainingRunAfterTheApplicationLayerWritesTheArchiveTheEntrypointUses() {
            List<Instruction> instructions = runtime.instructions();
            Instruction training = runtime.all("RUN").stream()
                    .filter(run -> words(run).contains("-XX:ArchiveClassesAtExit=app.jsa"))
                    .findFirst()
                    .orElseThrow();
            assertThat(words(training))
                    .contains("-Dspring.context.exit=onRefresh -jar app.jar")
                    .contains("--server.port=0");
            assertThat(instructions.indexOf(training))
                    .as("after the application's files are in place, before USER")
                    .isGreaterThan(instructions.indexOf(
                            new Instruction("COPY", "--from=layers /layers/extracted/application/ ./")))
                    .isLessThan(instructions.indexOf(runtime.last("USER").orElseThrow()));
        }

        @Test
        void sizesTheHeapFromTheContainerMemoryLimitAndStopsOnOutOfMemory() {
            String env = runtime.all("ENV").stream().map(DockerfileTests::words).reduce("", String::concat);
            assertThat(env)
                    .contains("JAVA_TOOL_OPTIONS=")
                    .contains("-XX:MaxRAMPercentage=")
                    .contains("-XX:+ExitOnOutOfMemoryError")
                    .doesNotContain("-Xmx");
        }

        @Test
        void declaresThePortOfItsComponent() {
            assertThat(runtime.all("ARG"))
                    .contains(new Instruction("ARG", "PORT"), new Instruction("ARG", "COMPONENT"));
            assertThat(runtime.all("ENV"))
                    .extracting(DockerfileTests::words)
                    .anyMatch(env -> env.contains("PORT=${PORT}"));
            assertThat(runtime.all("EXPOSE")).containsExactly(new Instruction("EXPOSE", "${PORT}"));
        }

        @Test
        void checksReadinessOnTheActuatorWithTheBundledChecker() {
            assertThat(runtime.all("HEALTHCHECK"))
                    .singleElement()
                    .satisfies(check -> assertThat(words(check))
                            .contains("--start-period=")
                            .endsWith("CMD [\"java\", \"@/opt/healthcheck/java.args\", \"HealthCheck\"]"));
            assertThat(runtime.all("COPY"))
                    .extracting(Instruction::arguments)
                    .contains(
                            "--from=layers /healthcheck/classes/ /opt/healthcheck/",
                            "deploy/docker/healthcheck.args /opt/healthcheck/java.args");
        }

        @Test
        void theCheckerJvmIsSmallWhateverTheApplicationsJvmOptions() throws IOException {
            assertThat(Files.readAllLines(Dockerfile.DIR.resolve("healthcheck.args")))
                    .contains("-Xmx16m", "-cp /opt/healthcheck");
        }
    }

    /** HealthCheck.java, compiled and run as the image runs it, against a real HTTP server. */
    @Nested
    class HealthChecker {

        private static HttpServer server;
        private static final List<String> paths = new CopyOnWriteArrayList<>();
        private static Path classes;
        private static Path argfile;

        @BeforeAll
        static void compileAndServe(@TempDir Path temp) throws IOException {
            classes = temp.resolve("classes");
            Files.createDirectories(classes);
            int compiled = ToolProvider.getSystemJavaCompiler()
                    .run(
                            null,
                            null,
                            null,
                            "--release",
                            "21",
                            "-d",
                            classes.toString(),
                            Dockerfile.DIR.resolve("HealthCheck.java").toString());
            assertThat(compiled).isZero();
            argfile = temp.resolve("java.args");
            Files.writeString(
                    argfile,
                    Files.readString(Dockerfile.DIR.resolve("healthcheck.args"))
                            .replace("/opt/healthcheck", classes.toString()));

            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                paths.add(exchange.getRequestURI().getPath());
                int status = switch (exchange.getRequestURI().getPath()) {
                    case "/actuator/health/readiness" -> 200;
                    case "/down" -> 503;
                    default -> 404;
                };
                exchange.sendResponseHeaders(status, -1);
                exchange.close();
            });
            server.start();
        }

        @AfterAll
        static void stop() {
            server.stop(0);
        }

        private static int check(Map<String, String> env, String... args) throws Exception {
            List<String> command = new ArrayList<>(
                    List.of(ProcessHandle.current().info().command().orElseThrow(), "@" + argfile, "HealthCheck"));
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().remove("JAVA_TOOL_OPTIONS");
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getInputStream().transferTo(System.out);
            assertThat(process.waitFor(30, TimeUnit.SECONDS))
                    .as("checker finished")
                    .isTrue();
            return process.exitValue();
        }

        private static String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        @Test
        void passesWhenTheUrlAnswers200() throws Exception {
            assertThat(check(Map.of(), url("/actuator/health/readiness"))).isZero();
        }

        @Test
        void failsWhenTheApplicationIsNotReady() throws Exception {
            assertThat(check(Map.of(), url("/down"))).isEqualTo(1);
        }

        @Test
        void failsWhenNothingListens() throws Exception {
            int port;
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
            assertThat(check(Map.of(), "http://127.0.0.1:" + port + "/actuator/health/readiness"))
                    .isEqualTo(1);
        }

        @Test
        void withoutAUrlChecksReadinessOnThePortTheImageDeclares() throws Exception {
            paths.clear();
            assertThat(check(Map.of("PORT", String.valueOf(server.getAddress().getPort()))))
                    .isZero();
            assertThat(paths).containsExactly("/actuator/health/readiness");
        }

        @Test
        void survivesTheApplicationsJavaToolOptions() throws Exception {
            assertThat(check(
                            Map.of("JAVA_TOOL_OPTIONS", "-XX:InitialRAMPercentage=25.0 -XX:MaxRAMPercentage=65.0"),
                            url("/actuator/health/readiness")))
                    .isZero();
        }
    }

    /** Dockerfile.dockerignore: the build context holds what the build reads and nothing else. */
    @Nested
    class BuildContext {

        private static final List<String> PATTERNS = readPatterns();

        private static List<String> readPatterns() {
            try {
                return Files.readAllLines(Dockerfile.DIR.resolve("Dockerfile.dockerignore")).stream()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .toList();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Docker's rule: the last pattern matching the path or one of its parent directories decides. */
        private static boolean inContext(String path) {
            boolean included = true;
            for (String pattern : PATTERNS) {
                boolean exception = pattern.startsWith("!");
                Pattern regex = glob(exception ? pattern.substring(1) : pattern);
                String prefix = path;
                boolean matches = false;
                while (!prefix.isEmpty()) {
                    if (regex.matcher(prefix).matches()) {
                        matches = true;
                        break;
                    }
                    int slash = prefix.lastIndexOf('/');
                    prefix = slash < 0 ? "" : prefix.substring(0, slash);
                }
                if (matches) {
                    included = exception;
                }
            }
            return included;
        }

        private static Pattern glob(String pattern) {
            StringBuilder regex = new StringBuilder();
            String trimmed = pattern.endsWith("/") ? pattern.substring(0, pattern.length() - 1) : pattern;
            for (int i = 0; i < trimmed.length(); i++) {
                char c = trimmed.charAt(i);
                if (c == '*' && i + 1 < trimmed.length() && trimmed.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else if (c == '*') {
                    regex.append("[^/]*");
                } else if (c == '?') {
                    regex.append("[^/]");
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString());
        }

        private static List<String> modules() throws IOException {
            try (Stream<Path> children = Files.list(REPOSITORY)) {
                return children.filter(path -> Files.isRegularFile(path.resolve("pom.xml")))
                        .map(path -> path.getFileName().toString())
                        .filter(name -> name.startsWith("forge-"))
                        .sorted()
                        .toList();
            }
        }

        @Test
        void startsFromNothingAndAllowsFilesBackIn() {
            assertThat(PATTERNS).first().isEqualTo("**");
        }

        @Test
        void holdsEveryPomAndMainSourceTheReactorNeeds() throws IOException {
            assertThat(modules()).contains("forge-registry", "forge-agent", "forge-calculator", "forge-console");
            assertThat(inContext("pom.xml")).isTrue();
            for (String module : modules()) {
                assertThat(inContext(module + "/pom.xml")).as(module).isTrue();
                assertThat(inContext(module + "/src/main/java/io/agentforge/App.java"))
                        .as(module)
                        .isTrue();
                assertThat(inContext(module + "/src/main/resources/application.yml"))
                        .as(module)
                        .isTrue();
            }
        }

        @Test
        void holdsWhatTheDockerfileCopiesFromTheContext() {
            for (Stage stage : DOCKERFILE.stages()) {
                for (Instruction copy : stage.all("COPY")) {
                    if (copy.arguments().startsWith("--from=")
                            || copy.arguments().startsWith(". ")) {
                        continue;
                    }
                    String source = copy.arguments()
                            .split("\\s+")[0]
                            .replace("${COMPONENT}", "calculator")
                            .replace("-*-", "-0.1.0-SNAPSHOT-");
                    assertThat(inContext(source))
                            .as(stage.name() + ": " + source)
                            .isTrue();
                }
            }
        }

        @Test
        void leavesOutTestsBuildOutputGitHistoryAndLocalSecrets() {
            assertThat(inContext("forge-agent/src/test/java/io/agentforge/AgentTests.java"))
                    .isFalse();
            assertThat(inContext("forge-agent/target/classes/io/agentforge/Agent.class"))
                    .isFalse();
            assertThat(inContext(".git/config")).isFalse();
            assertThat(inContext("deploy/compose/.env")).isFalse();
            assertThat(inContext(".forge/admin-key")).isFalse();
        }
    }
}
