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
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agent overhead: end-to-end latency of POST /api/v1/chat minus the model's and the tool's own latency, each measured
 * the same way from this process, plus throughput of concurrent conversations.
 *
 * Run: java bench/AgentBench.java AGENT_URL CLIENT_KEY STUB_URL TOOL_URL TOOL_KEY SECONDS CONCURRENCY
 */
public class AgentBench {

    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        String agent = args[0], key = args[1], stub = args[2], tool = args[3], toolKey = args[4];
        int seconds = Integer.parseInt(args[5]), concurrency = Integer.parseInt(args[6]);
        String question = "{\"message\":\"what is (3+4)*2?\"}";
        String modelFirst = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"what is (3+4)*2?\"}]}";
        String modelSecond = "{\"model\":\"bench\",\"messages\":[{\"role\":\"tool\",\"content\":\"14\"}]}";
        String toolCall = "{\"expression\":\"(3+4)*2\"}";

        for (int i = 0; i < 300; i++) {
            post(agent + "/api/v1/chat", key, question);
        }
        Map<String, double[]> before = timers(agent);
        List<Long> chat = sample(500, () -> post(agent + "/api/v1/chat", key, question));
        Map<String, double[]> after = timers(agent);
        List<Long> first = sample(500, () -> post(stub + "/v1/chat/completions", null, modelFirst));
        List<Long> second = sample(500, () -> post(stub + "/v1/chat/completions", null, modelSecond));
        List<Long> toolTimes = sample(500, () -> post(tool + "/forge/functions/calculator_evaluate", toolKey, toolCall));
        double overhead = p(chat, 50) - p(first, 50) - p(second, 50) - p(toolTimes, 50);
        System.out.printf("sequential, 500 questions (2 model turns + 1 tool call each), medians in ms:%n");
        System.out.printf("  chat end-to-end p50 %.2f p99 %.2f%n", p(chat, 50), p(chat, 99));
        System.out.printf("  model turn 1 p50 %.2f, model turn 2 p50 %.2f, tool p50 %.2f%n", p(first, 50),
                p(second, 50), p(toolTimes, 50));
        System.out.printf("  agent overhead p50 = %.2f ms%n", overhead);
        double questionMs = mean(before, after, "questions"), turn = mean(before, after, "model_turns"),
                toolMs = mean(before, after, "tool_calls");
        System.out.printf("inside the agent (Micrometer timers, means over the same 500 questions):%n");
        System.out.printf("  question %.2f ms = 2 model turns x %.2f ms + tool call %.2f ms + loop %.2f ms%n",
                questionMs, turn, toolMs, questionMs - 2 * turn - toolMs);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        List<Long> concurrent = Collections.synchronizedList(new ArrayList<>());
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < concurrency; c++) {
                executor.submit(() -> {
                    while (running.get()) {
                        long start = System.nanoTime();
                        post(agent + "/api/v1/chat", key, question);
                        concurrent.add(System.nanoTime() - start);
                        done.incrementAndGet();
                    }
                    return null;
                });
            }
            Thread.sleep(seconds * 1000L);
            running.set(false);
        }
        System.out.printf("concurrent: %d conversations for %d s: %.0f questions/s, p50 %.2f ms, p99 %.2f ms%n",
                concurrency, seconds, done.get() / (double) seconds, p(concurrent, 50), p(concurrent, 99));
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
                    timers.computeIfAbsent(name, k -> new double[2])[line.startsWith(prefix + "sum") ? 0 : 1] = value;
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

    static List<Long> sample(int n, Call call) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            call.run();
            times.add(System.nanoTime() - start);
        }
        return times;
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
