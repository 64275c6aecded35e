import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registry restart with the memory store: N instances kept alive by forge-client's LeaseKeeper (one per instance,
 * as N services would run them) are registered, the registry process is killed (SIGKILL) and started again on the
 * same port with an empty store, and every instance's return is timed from the moment the new registry answers its
 * readiness probe: each keeper finds out at its next renewal (404, or the connection refused while the registry was
 * away) and registers again. Prints the distribution and how many came back within one lease.
 *
 * <p>Run by bench/registry-restart-bench.sh with the registry's jar and forge-client on the class path.
 */
public class RegistryRestartBench {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    // The registry running now, stopped when this program ends however it ends.
    private static volatile Process current;
    private static final Pattern INSTANCE_ID = Pattern.compile("\"instanceId\"\\s*:\\s*\"(restart-[0-9]+)\"");

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int instances = Integer.parseInt(args[1]);
        Duration lease = Duration.ofSeconds(Long.parseLong(args[2]));
        int port = Integer.parseInt(args[3]);
        String java = args[4];
        String admin = args[5];
        Path log = Path.of(args[6]);
        String base = "http://127.0.0.1:" + port;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process running = current;
            if (running != null) {
                running.destroyForcibly();
            }
        }));

        // A configured key (AGENTFORGE_SERVICE_KEYS), as deployments give their services: a key created through the
        // API would be gone with the memory store.
        String key = "af_restartbench01_" + Long.toHexString(Double.doubleToLongBits(Math.random())) + "secretsecret";
        Process registry = startRegistry(java, jar, port, admin, key, log);
        awaitReady(base);
        HttpRegistryClient services = new HttpRegistryClient(ForgeClientSettings.of(base, key));
        List<LeaseKeeper> keepers = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            keepers.add(new LeaseKeeper(
                            services,
                            new ServiceRegistration(
                                    "restart-" + i,
                                    "restart-" + (i % 100),
                                    ServiceKind.TOOL,
                                    null,
                                    null,
                                    "http://127.0.0.1:" + (20000 + i % 20000),
                                    null,
                                    null,
                                    null,
                                    null,
                                    lease),
                            Clock.systemUTC())
                    .start());
        }
        long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (registered(base, admin).size() < instances) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("only " + registered(base, admin).size() + " of " + instances
                        + " registered after 5 minutes");
            }
            Thread.sleep(200);
        }
        // A few renewals' worth of steady state before the crash.
        Thread.sleep(Math.min(lease.toMillis() / 2, 10_000));

        long killed = System.nanoTime();
        registry.destroyForcibly().waitFor();
        registry = startRegistry(java, jar, port, admin, key, log);
        awaitReady(base);
        long ready = System.nanoTime();
        System.out.printf(
                "instances %d, lease %d s: registry killed (SIGKILL) and ready again after %.1f s%n",
                instances, lease.toSeconds(), (ready - killed) / 1e9);

        Map<String, Long> back = new HashMap<>();
        long deadline = ready + lease.multipliedBy(2).toNanos();
        while (back.size() < instances && System.nanoTime() < deadline) {
            List<String> ids = registered(base, admin);
            long now = System.nanoTime();
            for (String id : ids) {
                back.putIfAbsent(id, now - ready);
            }
            Thread.sleep(100);
        }
        long[] seconds = back.values().stream().mapToLong(Long::longValue).sorted().toArray();
        long withinLease = Arrays.stream(seconds).filter(n -> n <= lease.toNanos()).count();
        System.out.printf(
                "re-registered %d of %d (%d within one lease); seconds after ready: p50 %.1f, p90 %.1f, p99 %.1f,"
                        + " max %.1f (polled every 0.1 s)%n",
                back.size(), instances, withinLease, pct(seconds, 50), pct(seconds, 90), pct(seconds, 99),
                seconds.length == 0 ? Double.NaN : seconds[seconds.length - 1] / 1e9);
        StringBuilder histogram = new StringBuilder("per second after ready:");
        int[] buckets = new int[(int) lease.toSeconds() * 2 + 1];
        for (long n : seconds) {
            buckets[(int) Math.min(buckets.length - 1, n / 1_000_000_000L)]++;
        }
        for (int s = 0; s < buckets.length; s++) {
            if (buckets[s] > 0) {
                histogram.append(' ').append(s).append("s:").append(buckets[s]);
            }
        }
        System.out.println(histogram);
        registry.destroyForcibly().waitFor();
        System.exit(0);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e9;
    }

    // The full instance list read directly (forge-client caps the size of an answer it parses).
    private static List<String> registered(String base, String admin) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/services"))
                            .header("Authorization", "Bearer " + admin)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return List.of();
            }
            List<String> ids = new ArrayList<>();
            Matcher id = INSTANCE_ID.matcher(response.body());
            while (id.find()) {
                ids.add(id.group(1));
            }
            return ids;
        } catch (java.io.IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static Process startRegistry(String java, Path jar, int port, String admin, String key, Path log)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-XX:+UseG1GC",
                        "-Xmx1g",
                        "-jar",
                        jar.toString(),
                        "--server.address=127.0.0.1",
                        "--server.port=" + port,
                        "--logging.level.io.agentforge=WARN",
                        "--agentforge.registry.allow-loopback-endpoints=true",
                        // One key stands for all the services here; deployments give each its own.
                        "--agentforge.registry.limits.instances-per-key=1000000",
                        "--agentforge.registry.search.embeddings.enabled=false")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("AGENTFORGE_ADMIN_KEY", admin);
        builder.environment().put("AGENTFORGE_SERVICE_KEYS", "restart-bench:service:services=restart-*:" + key);
        current = builder.start();
        return current;
    }

    private static void awaitReady(String base) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < until) {
            try {
                HttpResponse<Void> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the registry did not get ready in 5 minutes");
    }
}
