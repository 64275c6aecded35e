import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Agent overhead: end-to-end latency of POST /api/v1/chat minus the model's and the tool's own latency, each measured
 * from this process and interleaved with the questions (chat, model turn 1, model turn 2, tool, chat, ...) so that
 * noise hits all of them alike; plus throughput of concurrent conversations.
 *
 * <p>The overhead is measured twice: right after a short warm-up (a freshly started agent, JIT still compiling) and,
 * after WARMUP_SECONDS of concurrent load, in ROUNDS rounds at steady state, whose median is the headline number.
 *
 * Run: java bench/AgentBench.java AGENT_URL CLIENT_KEY STUB_URL TOOL_URL TOOL_KEY SECONDS CONCURRENCY
 *      [WARMUP_SECONDS=30] [ROUNDS=5]
 */
public class AgentBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        String agent = args[0], key = args[1], stub = args[2], tool = args[3], toolKey = args[4];
        int seconds = Integer.parseInt(args[5]), concurrency = Integer.parseInt(args[6]);
        int warmupSeconds = args.length > 7 ? Integer.parseInt(args[7]) : 30;
        int rounds = args.length > 8 ? Integer.parseInt(args[8]) : 5;
        String question = "{\"message\":\"what is (3+4)*2?\"}";
        String modelFirst = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"what is (3+4)*2?\"}]}";
        String modelSecond = "{\"model\":\"bench\",\"messages\":[{\"role\":\"tool\",\"content\":\"14\"}]}";
        String toolCall = "{\"expression\":\"(3+4)*2\"}";
        List<Call> calls = List.of(() -> post(agent + "/api/v1/chat", key, question),
                () -> post(stub + "/v1/chat/completions", null, modelFirst),
                () -> post(stub + "/v1/chat/completions", null, modelSecond),
                () -> post(tool + "/forge/functions/calculator_evaluate", toolKey, toolCall));

        for (int i = 0; i < 300; i++) {
            calls.get(0).run();
        }
        System.out.printf("sequential questions (2 model turns + 1 tool call each), interleaved with the model turns and"
                + " the tool call on their own; medians in ms%n");
        report("early round (after 300 questions)", interleaved(500, calls));

        System.out.printf("warm-up: %d concurrent conversations for %d s%n", concurrency, warmupSeconds);
        concurrent(agent, key, question, concurrency, warmupSeconds);

        Map<String, double[]> before = timers(agent);
        List<Double> overheads = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            overheads.add(report("steady round " + r, interleaved(300, calls)));
        }
        Map<String, double[]> after = timers(agent);
        Collections.sort(overheads);
        System.out.printf("  agent overhead p50, median of %d steady rounds = %.2f ms (min %.2f, max %.2f)%n", rounds,
                overheads.get(rounds / 2), overheads.getFirst(), overheads.getLast());
        double questionMs = mean(before, after, "questions"), turn = mean(before, after, "model_turns"),
                toolMs = mean(before, after, "tool_calls");
        System.out.printf("inside the agent (Micrometer timers, means over the steady rounds):%n");
        System.out.printf("  question %.2f ms = 2 model turns x %.2f ms + tool call %.2f ms + loop %.2f ms%n",
                questionMs, turn, toolMs, questionMs - 2 * turn - toolMs);

        List<Long> times = concurrent(agent, key, question, concurrency, seconds);
        System.out.printf("concurrent: %d conversations for %d s: %.0f questions/s, p50 %.2f ms, p99 %.2f ms%n",
                concurrency, seconds, times.size() / (double) seconds, p(times, 50), p(times, 99));
    }

    // Prints one round's medians and returns its overhead: question minus both model turns and the tool call.
    static double report(String label, List<List<Long>> samples) {
        double chat = p(samples.get(0), 50), first = p(samples.get(1), 50), second = p(samples.get(2), 50),
                toolTime = p(samples.get(3), 50), overhead = chat - first - second - toolTime;
        System.out.printf("  %-34s question p50 %.2f (p99 %.2f); model turns %.2f + %.2f; tool %.2f; overhead %.2f%n",
                label, chat, p(samples.get(0), 99), first, second, toolTime, overhead);
        return overhead;
    }

    static List<List<Long>> interleaved(int n, List<Call> calls) throws Exception {
        List<List<Long>> times = new ArrayList<>();
        calls.forEach(c -> times.add(new ArrayList<>()));
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < calls.size(); c++) {
                long start = System.nanoTime();
                calls.get(c).run();
                times.get(c).add(System.nanoTime() - start);
            }
        }
        return times;
    }

    static List<Long> concurrent(String agent, String key, String question, int concurrency, int seconds)
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> times = Collections.synchronizedList(new ArrayList<>());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                executor.submit(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        post(agent + "/api/v1/chat", key, question);
                        times.add(System.nanoTime() - start);
                    }
                    return null;
                });
            }
            Thread.sleep(seconds * 1000L);
            running.set(false);
        }
        return new ArrayList<>(times);
    }

    // Sum and count of the agent's own phase timers, from its Prometheus endpoint.
    static Map<String, double[]> timers(String agent) throws Exception {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(agent + "/actuator/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, double[]> timers = new HashMap<>();
        for (String line : text.split("\n")) {
            for (String name : List.of("questions", "model_turns", "tool_calls")) {
                String prefix = "agentforge_agent_" + name + "_seconds_";
                if (line.startsWith(prefix + "sum") || line.startsWith(prefix + "count")) {
                    double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    // Summed over the series (the timers carry tags such as the model and the outcome).
                    timers.computeIfAbsent(name, k -> new double[2])[line.startsWith(prefix + "sum") ? 0 : 1] += value;
                }
            }
        }
        return timers;
    }

    static double mean(Map<String, double[]> before, Map<String, double[]> after, String name) {
        double[] a = before.getOrDefault(name, new double[2]), b = after.get(name);
        return (b[0] - a[0]) / (b[1] - a[1]) * 1000;
    }

    interface Call {
        void run() throws Exception;
    }

    static double p(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
    }

    static void post(String url, String key, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
