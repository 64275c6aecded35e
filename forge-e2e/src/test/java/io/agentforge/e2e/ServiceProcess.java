package io.agentforge.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Agent Forge service as a separate JVM process, started from its runnable jar (built by the reactor before this
 * module), with its output in {@code target/e2e-logs/<name>.log}.
 */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Processes started and not yet stopped, so a failing test can dump their threads. */
    private static final Set<ServiceProcess> RUNNING = ConcurrentHashMap.newKeySet();

    private final String name;
    private final int port;
    private final Process process;

    private ServiceProcess(String name, int port, Process process) {
        this.name = name;
        this.port = port;
        this.process = process;
    }

    /** Starts {@code forge-<module>}'s exec jar on a free loopback port with the given environment. */
    static ServiceProcess start(String module, String name, Map<String, String> environment, String... args)
            throws IOException {
        String version = System.getProperty("agentforge.version");
        if (version == null) {
            throw new IllegalStateException("agentforge.version is not set: run the tests through Maven (forge-e2e's"
                    + " surefire configuration passes the project version)");
        }
        Path jar = Path.of("..", "forge-" + module, "target", "forge-" + module + "-" + version + "-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: build it first (./mvnw package)");
        }
        int port = freePort();
        Path logs = Files.createDirectories(Path.of("target", "e2e-logs"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-jar",
                jar.toString(),
                "--server.address=127.0.0.1",
                "--server.port=" + port,
                "--spring.main.banner-mode=off"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        builder.environment().putAll(environment);
        ServiceProcess started = new ServiceProcess(name, port, builder.start());
        RUNNING.add(started);
        return started;
    }

    /**
     * Writes a thread dump (virtual threads included) of every running service and of this JVM to
     * {@code target/e2e-logs/<name>-threads.txt}: what a hung test leaves behind to be understood.
     */
    static void dumpAllThreads() {
        RUNNING.forEach(p -> dump(p.process.pid(), p.name));
        dump(ProcessHandle.current().pid(), "test-jvm");
    }

    private static void dump(long pid, String name) {
        Path file = Path.of("target", "e2e-logs", name + "-threads.txt").toAbsolutePath();
        try {
            Process jcmd = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                    .toString(),
                            Long.toString(pid),
                            "Thread.dump_to_file",
                            "-overwrite",
                            file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
            }
        } catch (IOException e) {
            System.err.println("Could not dump the threads of " + name + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the service reports ready; fails with the end of its log if it dies or takes too long. */
    ServiceProcess awaitReady(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HttpResponse<Void> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url() + "/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + ":\n" + logTail());
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Ends the process at once, as a crash would: no deregistration. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(Path.of("target", "e2e-logs", name + ".log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops gracefully (SIGTERM: the service deregisters), then forcibly if it hangs. */
    @Override
    public void close() throws InterruptedException {
        RUNNING.remove(this);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
