import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * One question (a calculator call and an answer, from an instant stub model) asked through the chat API and through
 * A2A SendMessage, interleaved, one at a time: p50/p90 of each and the A2A front door's overhead; and the agent card.
 * Usage: java bench/A2aBench.java AGENT_URL CLIENT_KEY [rounds] [warm-up rounds]
 */
public class A2aBench {

    public static void main(String[] args) throws Exception {
        String agent = args[0], key = args[1];
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        HttpClient http = HttpClient.newHttpClient();
        List<Long> chat = new ArrayList<>(), a2a = new ArrayList<>(), card = new ArrayList<>();
        for (int i = 0; i < warmup + rounds; i++) {
            long c = time(http, post(agent + "/api/v1/chat", key, "{\"message\":\"what is (3+4)*2?\"}"), "calculator_evaluate");
            long a = time(http, post(agent + "/a2a", key, """
                    {"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"%s",
                     "role":"ROLE_USER","parts":[{"text":"what is (3+4)*2?"}]}}}""".formatted(UUID.randomUUID())),
                    "TASK_STATE_COMPLETED");
            long k = time(http, HttpRequest.newBuilder(URI.create(agent + "/.well-known/agent-card.json")).GET().build(),
                    "supportedInterfaces");
            if (i >= warmup) {
                chat.add(c);
                a2a.add(a);
                card.add(k);
            }
        }
        System.out.printf("rounds: %d (after %d warm-up rounds), one request at a time%n", rounds, warmup);
        report("chat API  POST /api/v1/chat", chat);
        report("A2A       SendMessage      ", a2a);
        report("A2A card  GET              ", card);
        System.out.printf("A2A overhead over the chat API: p50 %+.2f ms%n",
                (pct(a2a, 50) - pct(chat, 50)) / 1e6);
    }

    static HttpRequest post(String url, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json")
                .header("A2A-Version", "1.0")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    static long time(HttpClient http, HttpRequest request, String expect) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        long took = System.nanoTime() - start;
        if (response.statusCode() != 200 || !response.body().contains(expect)) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return took;
    }

    static double pct(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static void report(String what, List<Long> values) {
        System.out.printf("%s p50 %.2f ms, p90 %.2f ms%n", what, pct(values, 50) / 1e6, pct(values, 90) / 1e6);
    }
}
