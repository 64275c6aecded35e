import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.RegistryException;
import io.agentforge.client.RegistryUnreachableException;
import io.agentforge.client.ServiceQuery;
import io.agentforge.client.UnknownInstanceException;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fault between two postgres-store registry replicas under load, for bench/registry-replica-kill.sh and
 * bench/registry-partition.sh. INSTANCES instances are kept alive by forge-client's own {@link LeaseKeeper}, each
 * with its own {@link HttpRegistryClient} listing both replica URLs (the SDK's failover, as every service has it);
 * lookups run through the same kind of client; SUBSCRIBERS {@link DiscoveryCache}s follow the change feed; a writer
 * registers a new instance every 500 ms, so the feed has something to deliver. After WARMUP s it runs FAULT (a shell
 * command: kill -9 one replica, or cut its link to the database), waits FAULT_SECONDS, runs HEAL and goes on for
 * AFTER s. Meanwhile a prober sends a renewal, a registration and a lookup straight to PROBE_URL (the faulted
 * replica) every second and notes what it answered and how long that took. At the end, still renewing, it notes the
 * last renewal acknowledged per instance, waits for the flushes and runs DUMP (the instances table to DUMP_FILE): an
 * instance missing expired, a stored renewal older than the acknowledged one was lost.
 *
 * <p>Run: java -cp registry-libs bench/ReplicaFaultBench.java URLS ADMIN KEY INSTANCES LEASE SUBSCRIBERS WARMUP
 * 'FAULT' FAULT_SECONDS 'HEAL' AFTER 'DUMP' DUMP_FILE PROBE_URL
 */
public class ReplicaFaultBench {

    enum Phase {
        BEFORE,
        FAULT,
        AFTER
    }

    static final AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
    static volatile long faultNanos;
    static volatile long healNanos;
    // Recovery after the fault ended: the prober's first registration P accepted, the last instance registered again.
    static final AtomicLong firstProbeWriteAfterHeal = new AtomicLong();
    static final AtomicLong lastRegistrationAgain = new AtomicLong();
    // Outcome counters per phase: "renew 200", "renew 404", "register 200", "lookup ok", "lookup error 503", ...
    static final Map<Phase, Map<String, AtomicLong>> counts = new ConcurrentHashMap<>();
    static final Map<Phase, Map<String, AtomicLong>> slowestMs = new ConcurrentHashMap<>();

    public static void main(String[] args) throws Exception {
        String urls = args[0];
        String admin = args[1];
        String key = args[2];
        int instances = Integer.parseInt(args[3]);
        Duration lease = Duration.ofSeconds(Long.parseLong(args[4]));
        int subscribers = Integer.parseInt(args[5]);
        int warmup = Integer.parseInt(args[6]);
        String fault = args[7];
        int faultSeconds = Integer.parseInt(args[8]);
        String heal = args[9];
        int after = Integer.parseInt(args[10]);
        String dump = args[11];
        Path dumpFile = Path.of(args[12]);
        String probeUrl = args[13];

        // One registry client per instance: each keeps its own preferred replica, as separate services would. They
        // share HTTP clients (a connection pool and a selector thread each), one per BENCH_INSTANCES_PER_HTTP_CLIENT
        // instances: with one for all 10,000, thousands of keepers waited in send() while neither replica had a
        // request left to read.
        int perHttpClient = Integer.parseInt(System.getenv().getOrDefault("BENCH_INSTANCES_PER_HTTP_CLIENT", "250"));
        List<HttpClient> httpClients = new ArrayList<>();
        HttpClient http = httpClient();
        long[] registeredAt = new long[instances];
        // Instances that were told 404 on a renewal after the registry had acknowledged one: they expired although
        // they kept renewing, and the renewals acknowledged since the last one stored were lost.
        boolean[] expiredWhileRenewing = new boolean[instances];
        long[] acknowledged = new long[instances];
        long[] backAfterFault = new long[instances];
        AtomicLong reRegistrations = new AtomicLong();
        AtomicLong firstRegistrations = new AtomicLong();
        List<LeaseKeeper> keepers = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            if (i % perHttpClient == 0) {
                httpClients.add(httpClient());
            }
            HttpClient keeperHttp = httpClients.getLast();
            RegistryClient client = recording(new HttpRegistryClient(ForgeClientSettings.of(urls, key), keeperHttp), i,
                    registeredAt, acknowledged, backAfterFault, reRegistrations, firstRegistrations, expiredWhileRenewing);
            keepers.add(new LeaseKeeper(client, registration("fault-" + i, "fault-" + (i % 100), i, lease),
                            Clock.systemUTC())
                    .start());
            // Services start over minutes, not all in one instant: at most 64 first registrations under way, so
            // the start-up is not a retry storm against a pool of 10 database connections.
            while (i + 1 - firstRegistrations.get() > 64) {
                Thread.sleep(5);
            }
        }
        long until = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (keepers.stream().filter(k -> k.state().registered()).count() < instances) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("not all registered after 15 minutes");
            }
            Thread.sleep(200);
        }
        counts.clear();
        slowestMs.clear();
        System.out.printf("registered %d instances, lease %d s (renewed every ~%d s by LeaseKeeper), %d HTTP clients%n",
                instances, lease.toSeconds(), lease.toSeconds() / 3, httpClients.size());

        AtomicBoolean running = new AtomicBoolean(true);
        var load = Executors.newVirtualThreadPerTaskExecutor();
        for (int reader = 0; reader < 4; reader++) {
            int offset = reader;
            RegistryClient client = new HttpRegistryClient(ForgeClientSettings.of(urls, key), http);
            load.submit(() -> {
                for (int n = offset; running.get(); n += 4) {
                    long began = System.nanoTime();
                    Phase at = phase.get();
                    try {
                        boolean found = !client.services(ServiceQuery.all().withName("fault-" + n % 100))
                                .isEmpty();
                        count(at, found ? "lookup ok" : "lookup empty", began);
                    } catch (RuntimeException e) {
                        count(at, "lookup error " + describe(e), began);
                    }
                    Thread.sleep(50);
                }
                return null;
            });
        }
        RegistryClient writer = new HttpRegistryClient(ForgeClientSettings.of(urls, key), http);
        AtomicLong written = new AtomicLong();
        load.submit(() -> {
            for (int n = 0; running.get(); n++) {
                long began = System.nanoTime();
                Phase at = phase.get();
                try {
                    writer.register(registration("fault-w" + n, "fault-writes", n, Duration.ofMinutes(10)));
                    written.incrementAndGet();
                    count(at, "write ok", began);
                } catch (RuntimeException e) {
                    count(at, "write error " + describe(e), began);
                }
                Thread.sleep(500);
            }
            return null;
        });
        List<DiscoveryCache> feeds = new ArrayList<>();
        for (int s = 0; s < subscribers; s++) {
            feeds.add(new DiscoveryCache(new HttpRegistryClient(ForgeClientSettings.of(urls, key), http),
                            Clock.systemUTC())
                    .start());
        }
        HttpClient probeHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        load.submit(() -> {
            String probe = registration("fault-probe", "fault-probe", 0, Duration.ofMinutes(10)).toString();
            while (running.get()) {
                Phase at = phase.get();
                load.submit(() -> probe(probeHttp, at, "probe renew", HttpRequest.newBuilder(
                                URI.create(probeUrl + "/api/v1/instances/fault-0/lease"))
                        .PUT(HttpRequest.BodyPublishers.noBody()), admin));
                load.submit(() -> probe(probeHttp, at, "probe register", HttpRequest.newBuilder(
                                URI.create(probeUrl + "/api/v1/instances"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("""
                                {"instanceId":"fault-probe","name":"fault-probe","kind":"TOOL",
                                 "endpoint":"http://10.3.0.1:8083","leaseDuration":"PT10M"}""")), admin));
                load.submit(() -> probe(probeHttp, at, "probe lookup", HttpRequest.newBuilder(
                                URI.create(probeUrl + "/api/v1/services?name=fault-1"))
                        .GET(), admin));
                Thread.sleep(1000);
            }
            return probe;
        });
        while (feeds.stream().anyMatch(f -> !f.isConnected())) {
            Thread.sleep(100);
        }

        Thread.sleep(warmup * 1000L);
        long[] changesAtFault = feeds.stream().mapToLong(DiscoveryCache::instanceChanges).toArray();
        long writtenAtFault = written.get();
        faultNanos = System.nanoTime();
        phase.set(Phase.FAULT);
        run(fault);
        // Each subscriber is back once it is connected and has delivered a change made after the fault.
        long[] feedBack = new long[subscribers];
        long faultEnd = System.nanoTime() + faultSeconds * 1_000_000_000L;
        watchFeeds(feeds, changesAtFault, feedBack, faultEnd);
        if (faultSeconds > 0) {
            run(heal);
        }
        healNanos = System.nanoTime();
        phase.set(Phase.AFTER);
        long[] feedBackAfterHeal = new long[subscribers];
        long[] changesAtHeal = feeds.stream().mapToLong(DiscoveryCache::instanceChanges).toArray();
        watchFeeds(feeds, changesAtHeal, feedBackAfterHeal, healNanos + after * 1_000_000_000L);

        long[] ackedUntilNow = acknowledged.clone();
        Thread.sleep(1500);
        run(dump);
        running.set(false);
        // No deregistrations: 2,000+ at once would only add a burst of 503s to the replicas' logs after the figures.
        Map<String, long[]> stored = new HashMap<>();
        for (String line : Files.readAllLines(dumpFile)) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 3 && columns[0].startsWith("fault-") && !columns[0].startsWith("fault-w")) {
                stored.put(columns[0], new long[] {Long.parseLong(columns[1]), Long.parseLong(columns[2])});
            }
        }
        int expired = 0;
        for (boolean e : expiredWhileRenewing) {
            expired += e ? 1 : 0;
        }
        int missing = 0;
        int registeredAgainInDb = 0;
        int lost = 0;
        for (int i = 0; i < instances; i++) {
            long[] row = stored.get("fault-" + i);
            if (row == null) {
                missing++;
                continue;
            }
            if (row[1] != registeredAt[i]) {
                registeredAgainInDb++;
            }
            if (row[0] < ackedUntilNow[i]) {
                lost++;
            }
        }

        System.out.printf("fault: %s, then %d s, then heal: %s; %d s after%n", fault, faultSeconds,
                faultSeconds > 0 ? heal : "-", after);
        long[] back = Arrays.stream(backAfterFault).filter(n -> n > 0).sorted().toArray();
        System.out.printf(
                "clients with an accepted renewal after the fault: %d of %d; seconds from the fault: p50 %.1f, p99 %.1f,"
                        + " max %.1f%n",
                back.length, instances, pct(back, 50), pct(back, 99), pct(back, 100));
        long[] feedSeconds = Arrays.stream(feedBack).filter(n -> n > 0).sorted().toArray();
        if (faultSeconds > 0) {
            System.out.printf(
                "feed subscribers delivering changes made after the fault, during it: %d of %d (p50 %.1f s, max %.1f s)%n",
                feedSeconds.length, subscribers, pct(feedSeconds, 50), pct(feedSeconds, 100));
        }
        long[] healSeconds = Arrays.stream(feedBackAfterHeal).filter(n -> n > 0).sorted().toArray();
        System.out.printf(
                "feed subscribers delivering changes made after the fault ended: %d of %d (p50 %.1f s, max %.1f s"
                        + " from its end)%n",
                healSeconds.length, subscribers, pct(healSeconds, 50), pct(healSeconds, 100));
        System.out.printf("writer registrations: %d before the fault, %d in all%n", writtenAtFault, written.get());
        long firstWrite = firstProbeWriteAfterHeal.get();
        long lastAgain = lastRegistrationAgain.get();
        System.out.printf("after the fault ended: first registration accepted by the faulted replica %s; last instance"
                        + " registered again %s%n",
                firstWrite == 0 ? "none" : "%.1f s after".formatted((firstWrite - healNanos) / 1e9),
                lastAgain == 0 ? "none" : "%.1f s after".formatted((lastAgain - healNanos) / 1e9));
        for (Phase p : Phase.values()) {
            System.out.println("-- " + p);
            new TreeMap<>(counts.getOrDefault(p, Map.of())).forEach((what, n) -> System.out.printf(
                    "   %-40s %8d  slowest %6d ms%n", what, n.get(),
                    slowestMs.getOrDefault(p, Map.of()).getOrDefault(what, new AtomicLong()).get()));
        }
        System.out.printf(
                "instances expired although they kept renewing (a renewal answered 404 after acknowledged ones): %d of"
                        + " %d; registrations after the first: %d%n",
                expired, instances, reRegistrations.get());
        System.out.printf(
                "at the end: instances missing from the database: %d; registered again since the harness last saw a"
                        + " registration: %d; acknowledged renewals not stored: %d%n",
                missing, registeredAgainInDb, lost);
        System.exit(0);
    }

    private static void watchFeeds(List<DiscoveryCache> feeds, long[] changesBefore, long[] back, long until)
            throws InterruptedException {
        long from = System.nanoTime();
        while (System.nanoTime() < until) {
            for (int s = 0; s < feeds.size(); s++) {
                DiscoveryCache feed = feeds.get(s);
                if (back[s] == 0 && feed.isConnected() && feed.instanceChanges() > changesBefore[s] + 1) {
                    back[s] = System.nanoTime() - from;
                }
            }
            Thread.sleep(100);
        }
    }

    // The client a keeper uses, noting what each registration and renewal got.
    private static RegistryClient recording(HttpRegistryClient delegate, int i, long[] registeredAt,
            long[] acknowledged, long[] backAfterFault, AtomicLong reRegistrations, AtomicLong firstRegistrations,
            boolean[] expiredWhileRenewing) {
        return (RegistryClient) Proxy.newProxyInstance(
                RegistryClient.class.getClassLoader(), new Class<?>[] {RegistryClient.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    boolean tracked = name.equals("renew") || name.equals("register");
                    long began = System.nanoTime();
                    Phase at = phase.get();
                    try {
                        Object result = method.invoke(delegate, args);
                        if (result instanceof Lease lease) {
                            acknowledged[i] = Math.max(acknowledged[i], micros(lease.lastRenewal()));
                        } else if (result instanceof Instance instance) {
                            (registeredAt[i] != 0 ? reRegistrations : firstRegistrations).incrementAndGet();
                            if (registeredAt[i] != 0) {
                                lastRegistrationAgain.accumulateAndGet(System.nanoTime(), Math::max);
                            }
                            registeredAt[i] = micros(instance.registeredAt());
                            acknowledged[i] = Math.max(acknowledged[i], micros(instance.lastRenewal()));
                        }
                        if (tracked) {
                            count(at, name + " ok", began);
                            if (at != Phase.BEFORE && backAfterFault[i] == 0) {
                                backAfterFault[i] = Math.max(1, System.nanoTime() - faultNanos);
                            }
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        if (tracked) {
                            count(at, name + " error " + describe(e.getCause()), began);
                        }
                        if (e.getCause() instanceof UnknownInstanceException && acknowledged[i] != 0) {
                            expiredWhileRenewing[i] = true;
                        }
                        throw e.getCause();
                    }
                });
    }

    private static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .connectTimeout(ForgeClientSettings.DEFAULT_CONNECT_TIMEOUT)
                .build();
    }

    private static Void probe(HttpClient http, Phase at, String what, HttpRequest.Builder request, String admin) {
        long began = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(
                    request.timeout(Duration.ofMinutes(3))
                            .header("Authorization", "Bearer " + admin)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            count(at, what + " " + response.statusCode(), began);
            if (at == Phase.AFTER && what.equals("probe register") && response.statusCode() < 300) {
                firstProbeWriteAfterHeal.compareAndSet(0, System.nanoTime());
            }
        } catch (Exception e) {
            count(at, what + " " + e.getClass().getSimpleName(), began);
        }
        return null;
    }

    private static String describe(Throwable e) {
        if (e instanceof UnknownInstanceException) {
            return "404";
        }
        if (e instanceof RegistryUnreachableException) {
            return "unreachable";
        }
        if (e instanceof RegistryException r) {
            return Integer.toString(r.status());
        }
        return e.getClass().getSimpleName();
    }

    private static void count(Phase at, String what, long began) {
        counts.computeIfAbsent(at, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(what, w -> new AtomicLong())
                .incrementAndGet();
        slowestMs.computeIfAbsent(at, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(what, w -> new AtomicLong())
                .accumulateAndGet((System.nanoTime() - began) / 1_000_000, Math::max);
    }

    private static ServiceRegistration registration(String id, String name, int i, Duration lease) {
        return new ServiceRegistration(id, name, ServiceKind.TOOL, null, null,
                "http://10.2.%d.%d:8083".formatted(i / 250 % 250, i % 250 + 1), null, null, null, null, lease);
    }

    private static long micros(Instant at) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private static double pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e9;
    }

    private static void run(String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
    }
}
