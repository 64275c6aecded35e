import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tokens vs API keys at a tool, and token issuance. Two modes, run by bench/token-bench.sh:
 *
 * <p>{@code calls}: the same tool call ({@code POST /forge/functions/calculator_evaluate}) three ways, in rounds of
 * CALLS sequential calls per path after a warm-up, the paths' order rotated each round: <b>A</b> with a registry JWT
 * (verified locally at the calculator against its cached JWKS), <b>B cached</b> with one {@code af_} client key (the
 * calculator's introspection cache answers, 30 s), <b>B uncached</b> with a fresh {@code af_} key on every call (each
 * key is used once, so every call costs the calculator an introspection round trip to the registry). For each round
 * and path: p50/p99 latency and the CPU time of the calculator and of the registry per call, from
 * {@code /proc/<pid>/stat} (utime + stime of the whole process, read before and after the block).
 *
 * <p>{@code issue}: {@code POST /oauth2/token} (token exchange, audience calculator) for a key subject (a client key
 * exchanging itself) and on behalf of a user (a service key with a user's key as subject_token), in alternating
 * rounds: throughput with CONCURRENCY concurrent requests for SECONDS, p50/p99 under that load, the registry's CPU
 * per token, and sequential (unloaded) p50. The script pins the registry to one core and this program to the other.
 *
 * <p>Run: java bench/TokenBench.java calls REGISTRY_URL TOOL_URL ADMIN_KEY CALC_PID REGISTRY_PID ROUNDS CALLS WARMUP
 * CLK_TCK; java bench/TokenBench.java issue REGISTRY_URL ADMIN_KEY REGISTRY_PID ROUNDS SECONDS CONCURRENCY CLK_TCK
 */
public class TokenBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    static final Pattern KEY = Pattern.compile("\"key\":\"([^\"]+)\"");
    static final Pattern ACCESS = Pattern.compile("\"access_token\":\"([^\"]+)\"");
    static final String CALL = "{\"expression\":\"(3+4)*2\"}";

    public static void main(String[] args) throws Exception {
        if (args[0].equals("calls")) {
            calls(args[1], args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]), Integer.parseInt(args[8]),
                    Integer.parseInt(args[9]));
        } else {
            issue(args[1], args[2], Long.parseLong(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]));
        }
    }

    // ---------------------------------------------------------------------------------------------- tool calls

    static void calls(String registry, String tool, String admin, long calcPid, long registryPid, int rounds,
                      int calls, int warmup, int clkTck) throws Exception {
        String user = createKey(registry, admin, "{\"name\":\"bench-user\",\"roles\":[\"client\"]}");
        int warmupUncached = Math.max(200, warmup / 5);
        int fresh = warmupUncached + rounds * calls;
        long started = System.nanoTime();
        List<String> freshKeys = createClientKeys(registry, admin, fresh);
        System.out.printf("created %d client keys for the uncached path (each used once) in %.1f s%n", fresh,
                (System.nanoTime() - started) / 1e9);
        Iterator<String> unused = freshKeys.iterator();
        String[] token = {exchange(registry, user, user), null};
        long[] tokenAt = {System.nanoTime()};
        String url = tool + "/forge/functions/calculator_evaluate";
        Map<String, Call> paths = new LinkedHashMap<>();
        paths.put("A  JWT (local verification)", () -> call(url, token[0]));
        paths.put("B  af_ key, introspection cached", () -> call(url, user));
        paths.put("B  af_ key, introspection uncached", () -> call(url, unused.next()));

        System.out.printf("warm-up: %d calls each of A and B cached, %d of B uncached, interleaved%n", warmup,
                warmupUncached);
        List<Call> all = List.copyOf(paths.values());
        for (int i = 0; i < warmup; i++) {
            all.get(0).run();
            all.get(1).run();
            if (i < warmupUncached) {
                all.get(2).run();
            }
        }

        List<String> names = List.copyOf(paths.keySet());
        Map<String, List<Block>> blocks = new LinkedHashMap<>();
        names.forEach(n -> blocks.put(n, new ArrayList<>()));
        System.out.printf("%d rounds of %d sequential calls per path (order rotated each round); ms, and CPU µs per"
                + " call%n", rounds, calls);
        for (int r = 0; r < rounds; r++) {
            if (System.nanoTime() - tokenAt[0] > 240e9) {
                // Tokens live 5 min: renew outside the measured blocks.
                token[0] = exchange(registry, user, user);
                tokenAt[0] = System.nanoTime();
            }
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((r + k) % names.size());
                Block block = block(paths.get(name), calls, calcPid, registryPid, clkTck);
                blocks.get(name).add(block);
                System.out.printf("  round %d  %-36s p50 %.3f  p99 %.3f  calculator CPU %4.0f  registry CPU %4.0f%n",
                        r + 1, name, block.p50, block.p99, block.calcCpuUs, block.registryCpuUs);
            }
        }

        System.out.printf("%nmedians of %d rounds (min-max)%n", rounds);
        System.out.printf("  %-36s %-22s %-22s %-24s %-24s%n", "path", "p50 ms", "p99 ms", "calculator CPU µs/call",
                "registry CPU µs/call");
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (String name : names) {
            List<Block> b = blocks.get(name);
            double[] m = {median(b, x -> x.p50), median(b, x -> x.p99), median(b, x -> x.calcCpuUs),
                    median(b, x -> x.registryCpuUs)};
            medians.put(name, m);
            System.out.printf("  %-36s %-22s %-22s %-24s %-24s%n", name, range(b, x -> x.p50, m[0], "%.3f"),
                    range(b, x -> x.p99, m[1], "%.3f"), range(b, x -> x.calcCpuUs, m[2], "%.0f"),
                    range(b, x -> x.registryCpuUs, m[3], "%.0f"));
        }
        double[] a = medians.get(names.get(0));
        for (String name : names.subList(1, names.size())) {
            double[] b = medians.get(name);
            System.out.printf("  ratio %s / A: p50 %.2fx, calculator CPU %.2fx, calculator+registry CPU %.2fx%n",
                    name.substring(3), b[0] / a[0], b[2] / a[2], (b[2] + b[3]) / (a[2] + a[3]));
        }
        es256();
    }

    /** ES256 on its own in this JVM (JDK provider, P-256): what a verification and a signature cost here. */
    static void es256() throws Exception {
        var generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] message = new byte[300];
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(message);
        byte[] signature = signer.sign();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Double> verify = new ArrayList<>(), sign = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 1000; i++) {
                Signature verifier = Signature.getInstance("SHA256withECDSA");
                verifier.initVerify(pair.getPublic());
                verifier.update(message);
                if (!verifier.verify(signature)) {
                    throw new IllegalStateException("ES256 verification failed");
                }
            }
            verify.add((threads.getCurrentThreadCpuTime() - start) / 1e6);
            start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < 1000; i++) {
                signer.update(message);
                signer.sign();
            }
            sign.add((threads.getCurrentThreadCpuTime() - start) / 1e6);
        }
        Collections.sort(verify);
        Collections.sort(sign);
        System.out.printf("ES256 on its own in the client JVM (JDK SHA256withECDSA, P-256, thread CPU time, median of 5 x"
                + " 1000, the first round included): verify %.0f µs, sign %.0f µs%n", verify.get(2),
                sign.get(2));
    }

    record Block(double p50, double p99, double calcCpuUs, double registryCpuUs) {
    }

    static Block block(Call call, int calls, long calcPid, long registryPid, int clkTck) throws Exception {
        List<Long> times = new ArrayList<>(calls);
        long calcBefore = cpuTicks(calcPid), registryBefore = cpuTicks(registryPid);
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            call.run();
            times.add(System.nanoTime() - start);
        }
        long calc = cpuTicks(calcPid) - calcBefore, reg = cpuTicks(registryPid) - registryBefore;
        double usPerTick = 1e6 / clkTck;
        return new Block(p(times, 50), p(times, 99), calc * usPerTick / calls, reg * usPerTick / calls);
    }

    // ---------------------------------------------------------------------------------------------- issuance

    static void issue(String registry, String admin, long registryPid, int rounds, int seconds, int concurrency,
                      int clkTck) throws Exception {
        String client = createKey(registry, admin, "{\"name\":\"bench-issuer\",\"roles\":[\"client\"]}");
        String agent = createKey(registry, admin, "{\"name\":\"bench-agent\",\"roles\":[\"service\"],"
                + "\"services\":[\"bench-agent\"],\"kinds\":[\"AGENT\"]}");
        String user = createKey(registry, admin, "{\"name\":\"bench-obo-user\",\"roles\":[\"client\"]}");
        Map<String, Call> kinds = new LinkedHashMap<>();
        kinds.put("key subject (client key for itself)", () -> exchange(registry, client, client));
        kinds.put("on behalf of a user (service key, user key as subject_token)", () -> exchange(registry, agent, user));
        System.out.printf("claims: key subject %s; on behalf of %s%n", claims(exchange(registry, client, client)),
                claims(exchange(registry, agent, user)));

        List<String> names = List.copyOf(kinds.keySet());
        System.out.printf("warm-up: %d s of each at concurrency %d%n", 2 * seconds, concurrency);
        for (String name : names) {
            concurrent(kinds.get(name), concurrency, 2 * seconds, registryPid, clkTck);
        }
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        names.forEach(n -> results.put(n, new ArrayList<>()));
        System.out.printf("%d rounds: %d s at concurrency %d, then 300 sequential requests, per kind (order alternating)"
                + "%n", rounds, seconds, concurrency);
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < names.size(); k++) {
                String name = names.get((r + k) % names.size());
                double[] loaded = concurrent(kinds.get(name), concurrency, seconds, registryPid, clkTck);
                List<Long> times = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    long start = System.nanoTime();
                    kinds.get(name).run();
                    times.add(System.nanoTime() - start);
                }
                double[] row = {loaded[0], loaded[1], loaded[2], loaded[3], p(times, 50)};
                results.get(name).add(row);
                System.out.printf("  round %d  %-62s %6.0f tokens/s  p50 %.2f  p99 %.2f ms  registry CPU %.0f µs/token"
                        + "  sequential p50 %.2f ms%n", r + 1, name, row[0], row[1], row[2], row[3], row[4]);
            }
        }
        System.out.printf("%nmedians of %d rounds (min-max)%n", rounds);
        for (String name : names) {
            List<double[]> rows = results.get(name);
            System.out.printf("  %-62s %s tokens/s, p50 %s ms, p99 %s ms, registry CPU %s µs/token, sequential p50 %s"
                            + " ms%n", name, rangeOf(rows, 0, "%.0f"), rangeOf(rows, 1, "%.2f"),
                    rangeOf(rows, 2, "%.2f"), rangeOf(rows, 3, "%.0f"), rangeOf(rows, 4, "%.2f"));
        }
    }

    /** {tokens per second, p50 ms, p99 ms, registry CPU µs per request} of CONCURRENCY threads for SECONDS. */
    static double[] concurrent(Call call, int concurrency, int seconds, long registryPid, int clkTck)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<List<Long>> perThread = new ArrayList<>();
        long cpuBefore = cpuTicks(registryPid);
        long started = System.nanoTime();
        try (ExecutorService executor = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                List<Long> times = new ArrayList<>();
                perThread.add(times);
                futures.add(executor.submit(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        call.run();
                        times.add(System.nanoTime() - start);
                    }
                    return null;
                }));
            }
            Thread.sleep(seconds * 1000L);
            running.set(false);
            for (Future<?> f : futures) {
                f.get();
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long cpu = cpuTicks(registryPid) - cpuBefore;
        List<Long> all = new ArrayList<>();
        perThread.forEach(all::addAll);
        return new double[]{all.size() / elapsed, p(all, 50), p(all, 99), cpu * (1e6 / clkTck) / all.size()};
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    interface Call {
        void run() throws Exception;
    }

    static String createKey(String registry, String admin, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry + "/api/v1/keys"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = KEY.matcher(response.body());
        if (response.statusCode() != 201 || !m.find()) {
            throw new IllegalStateException("POST /api/v1/keys answered " + response.statusCode());
        }
        return m.group(1);
    }

    static List<String> createClientKeys(String registry, String admin, int n) throws Exception {
        List<String> keys = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService executor = Executors.newFixedThreadPool(4)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                futures.add(executor.submit(() -> keys.add(createKey(registry, admin,
                        "{\"name\":\"bench-fresh-" + id + "\",\"roles\":[\"client\"]}"))));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        }
        return new ArrayList<>(keys);
    }

    /** RFC 8693 exchange at the registry: the caller authenticates with its key; returns the JWT for calculator. */
    static String exchange(String registry, String callerKey, String subjectToken) throws Exception {
        String form = "grant_type=" + enc(EXCHANGE) + "&audience=calculator&subject_token=" + enc(subjectToken)
                + "&subject_token_type=" + enc(ACCESS_TOKEN);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry + "/oauth2/token"))
                .header("Authorization", "Bearer " + callerKey)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCESS.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            // OAuth error JSON: error and description, no secrets.
            throw new IllegalStateException("/oauth2/token answered " + response.statusCode() + ": "
                    + response.body());
        }
        return m.group(1);
    }

    static void call(String url, String credential) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + credential).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(CALL)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().contains("14")) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** The token's claims without its signature, for a look at sub/act/aud (no secret in them). */
    static String claims(String jwt) {
        String json = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        return json.replaceAll("\"(jti|iat|nbf|exp|iss)\":(\"[^\"]*\"|[0-9]+),?", "").replace(",}", "}");
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------- numbers

    /** utime + stime of the whole process (all threads), in clock ticks. */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    static double p(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
    }

    interface Metric {
        double of(Block b);
    }

    static double median(List<Block> blocks, Metric metric) {
        List<Double> values = new ArrayList<>();
        blocks.forEach(b -> values.add(metric.of(b)));
        Collections.sort(values);
        return values.get(values.size() / 2);
    }

    static String range(List<Block> blocks, Metric metric, double median, String format) {
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (Block b : blocks) {
            min = Math.min(min, metric.of(b));
            max = Math.max(max, metric.of(b));
        }
        return String.format(format + " (" + format + "-" + format + ")", median, min, max);
    }

    static String rangeOf(List<double[]> rows, int column, String format) {
        List<Double> values = new ArrayList<>();
        rows.forEach(r -> values.add(r[column]));
        Collections.sort(values);
        return String.format(format + " (" + format + "-" + format + ")", values.get(values.size() / 2),
                values.getFirst(), values.getLast());
    }
}
