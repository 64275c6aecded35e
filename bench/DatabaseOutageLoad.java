import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load for bench/registry-pg-restart.sh: INSTANCES instances (lease LEASE s) renew every LEASE/3 s, a reader asks for
 * one service after another, a writer re-registers one probe instance every 250 ms. After WARMUP s it runs STOP (a
 * shell command stopping PostgreSQL), waits OUTAGE s, runs START, and goes on for AFTER s. Then, still renewing, it
 * notes the last renewal acknowledged per instance, lets the registry flush, and runs DUMP (writing the instances
 * table to DUMP_FILE): an instance missing expired, a stored renewal older than the acknowledged one was lost, another
 * registered_at means it was registered again.
 *
 * Run: java bench/DatabaseOutageLoad.java BASE KEY INSTANCES LEASE WARMUP OUTAGE AFTER 'STOP' 'START' 'DUMP' FILE
 */
public class DatabaseOutageLoad {

    private static final Pattern LAST_RENEWAL = Pattern.compile("\"lastRenewal\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REGISTERED_AT = Pattern.compile("\"registeredAt\"\\s*:\\s*\"([^\"]+)\"");

    enum Phase {
        BEFORE,
        OUTAGE,
        AFTER
    }

    static final AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
    static final AtomicLong[][] renewals = counters(); // [phase][0=200, 1=503, 2=404, 3=other]
    static final AtomicLong[][] reads = counters();
    static final AtomicLong[][] writes = counters();
    static final AtomicLong[] slowestReadMs = {new AtomicLong(), new AtomicLong(), new AtomicLong()};

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int instances = Integer.parseInt(args[2]);
        int lease = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int outage = Integer.parseInt(args[5]);
        int after = Integer.parseInt(args[6]);
        String stop = args[7];
        String start = args[8];
        String dump = args[9]; // a shell command writing "instance_id last_renewal_us registered_at_us" lines
        String dumpFile = args[10];
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        var running = new java.util.concurrent.atomic.AtomicBoolean(true);
        var load = Executors.newVirtualThreadPerTaskExecutor();
        long interval = lease * 1000L / 3;
        ConcurrentHashMap<String, Instant> acknowledged = new ConcurrentHashMap<>();
        ConcurrentHashMap<String, String> registeredAt = new ConcurrentHashMap<>();
        Semaphore inFlight = new Semaphore(32);
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < instances; i++) {
                String id = "o-" + i;
                String body = registration(id, "outage-" + (i % 100), i, lease);
                inFlight.acquire();
                executor.submit(() -> {
                    try {
                        // A loaded machine may time a registration out: try again, and leave out what never made it.
                        for (int attempt = 0; attempt < 3 && !registeredAt.containsKey(id); attempt++) {
                            try {
                                HttpResponse<String> response =
                                        http.send(post(base + "/api/v1/instances", key, body), ofString());
                                if (response.statusCode() < 300) {
                                    registeredAt.put(id, group(REGISTERED_AT, response.body()));
                                }
                            } catch (java.io.IOException e) {
                                // retried
                            }
                        }
                        if (registeredAt.containsKey(id)) {
                            // Renewing starts with the registration: a slow registration phase must not expire anyone.
                            load.submit(() -> renewLoop(http, base, key, id, interval, running, acknowledged));
                        }
                    } finally {
                        inFlight.release();
                    }
                    return null;
                });
            }
        }
        System.out.printf("registered %d of %d instances, lease %d s, renewing every %d ms%n", registeredAt.size(),
                instances, lease, lease * 1000 / 3);

        load.submit(() -> {
            int n = 0;
            while (running.get()) {
                Phase at = phase.get();
                long began = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(
                            request(base + "/api/v1/services?name=outage-" + (n++ % 100), key)
                                    .GET()
                                    .build(),
                            ofString());
                    count(reads, at, response.statusCode() == 200 && response.body().contains("o-") ? 200 : 500);
                    slowestReadMs[at.ordinal()].accumulateAndGet((System.nanoTime() - began) / 1_000_000, Math::max);
                } catch (Exception e) {
                    reads[at.ordinal()][3].incrementAndGet();
                }
                Thread.sleep(20);
            }
            return null;
        });
        AtomicReference<Instant> firstWriteAfterStart = new AtomicReference<>();
        AtomicReference<Instant> started = new AtomicReference<>();
        load.submit(() -> {
            String body = registration("probe-1", "outage-probe", 0, 60);
            while (running.get()) {
                Phase at = phase.get();
                try {
                    HttpResponse<String> response = http.send(post(base + "/api/v1/instances", key, body), ofString());
                    count(writes, at, response.statusCode() < 300 ? 200 : response.statusCode());
                    if (response.statusCode() < 300 && started.get() != null) {
                        firstWriteAfterStart.compareAndSet(null, Instant.now());
                    }
                } catch (Exception e) {
                    writes[at.ordinal()][3].incrementAndGet();
                }
                Thread.sleep(250);
            }
            return null;
        });

        Thread.sleep(warmup * 1000L);
        phase.set(Phase.OUTAGE);
        Instant stopAt = Instant.now();
        run(stop);
        Instant stopped = Instant.now();
        Thread.sleep(outage * 1000L);
        run(start);
        started.set(Instant.now());
        phase.set(Phase.AFTER);
        Thread.sleep(after * 1000L);

        // Still renewing: what was acknowledged until now must be in the database a few flushes later.
        var ackedUntilNow = new java.util.HashMap<>(acknowledged);
        Thread.sleep(1500);
        run(dump);
        running.set(false);
        load.close();
        var stored = new java.util.HashMap<String, String[]>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of(dumpFile))) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length == 3) {
                stored.put(columns[0], columns);
            }
        }
        int expired = 0;
        int reRegistered = 0;
        int lost = 0;
        for (int i = 0; i < instances; i++) {
            String id = "o-" + i;
            if (!registeredAt.containsKey(id)) {
                continue;
            }
            String[] row = stored.get(id);
            if (row == null) {
                expired++;
                continue;
            }
            if (micros(Instant.parse(registeredAt.get(id))) != Long.parseLong(row[2])) {
                reRegistered++;
            }
            Instant acked = ackedUntilNow.get(id);
            if (acked != null && Long.parseLong(row[1]) < micros(acked)) {
                lost++;
            }
        }
        System.out.printf("PostgreSQL stop took %d ms, down %d s, start took %d ms%n",
                Duration.between(stopAt, stopped).toMillis(), outage,
                Duration.between(stopped.plusSeconds(outage), started.get()).toMillis());
        Instant recovered = firstWriteAfterStart.get();
        System.out.printf("first accepted write after PostgreSQL was up again: %s%n",
                recovered == null ? "none" : Duration.between(started.get(), recovered).toMillis() + " ms");
        System.out.println("phase    | renewals 200 / 503 / 404 / other | reads ok / failed, slowest ms | writes ok / 503 / other");
        for (Phase p : Phase.values()) {
            AtomicLong[] r = renewals[p.ordinal()];
            AtomicLong[] d = reads[p.ordinal()];
            AtomicLong[] w = writes[p.ordinal()];
            System.out.printf("%-8s | %d / %d / %d / %d | %d / %d, %d | %d / %d / %d%n", p, r[0].get(), r[1].get(),
                    r[2].get(), r[3].get(), d[0].get(), d[1].get() + d[2].get() + d[3].get(),
                    slowestReadMs[p.ordinal()].get(), w[0].get(),
                    w[1].get(), w[2].get() + w[3].get());
        }
        System.out.printf("instances expired: %d of %d; registered again: %d; acknowledged renewals not stored: %d%n",
                expired, registeredAt.size(), reRegistered, lost);
    }

    private static Void renewLoop(HttpClient http, String base, String key, String id, long interval,
            java.util.concurrent.atomic.AtomicBoolean running, ConcurrentHashMap<String, Instant> acknowledged)
            throws InterruptedException {
        Thread.sleep(ThreadLocalRandom.current().nextLong(interval));
        while (running.get()) {
            long began = System.nanoTime();
            Phase at = phase.get();
            try {
                HttpResponse<String> response = http.send(
                        request(base + "/api/v1/instances/" + id + "/lease", key)
                                .PUT(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        ofString());
                count(renewals, at, response.statusCode());
                if (response.statusCode() == 200) {
                    Instant renewed = Instant.parse(group(LAST_RENEWAL, response.body()));
                    acknowledged.merge(id, renewed, (a, b) -> a.isAfter(b) ? a : b);
                }
            } catch (Exception e) {
                renewals[at.ordinal()][3].incrementAndGet();
            }
            long spent = (System.nanoTime() - began) / 1_000_000;
            Thread.sleep(Math.max(0, interval - spent));
        }
        return null;
    }

    private static String registration(String id, String name, int i, int lease) {
        return """
                {"instanceId":"%s","name":"%s","kind":"TOOL","version":"1.0.0",
                 "endpoint":"http://10.2.%d.%d:8083","functions":[{"name":"%s_run","description":"Runs %s"}],
                 "leaseDuration":"PT%dS"}
                """.formatted(id, name, i / 250 % 250, i % 250 + 1, name.replace('-', '_'), name, lease);
    }

    private static long micros(Instant at) {
        return java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, at);
    }

    private static void run(String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
    }

    private static void count(AtomicLong[][] counters, Phase at, int status) {
        int slot = status == 200 ? 0 : status == 503 ? 1 : status == 404 ? 2 : 3;
        counters[at.ordinal()][slot].incrementAndGet();
    }

    private static AtomicLong[][] counters() {
        AtomicLong[][] counters = new AtomicLong[3][4];
        for (AtomicLong[] row : counters) {
            for (int i = 0; i < row.length; i++) {
                row[i] = new AtomicLong();
            }
        }
        return counters;
    }

    private static String group(Pattern pattern, String body) {
        Matcher matcher = pattern.matcher(body);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + pattern + " in " + body);
        }
        return matcher.group(1);
    }

    private static HttpRequest.Builder request(String url, String key) {
        return HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + key);
    }

    private static HttpRequest post(String url, String key, String body) {
        return request(url, key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static HttpResponse.BodyHandler<String> ofString() {
        return HttpResponse.BodyHandlers.ofString();
    }
}
