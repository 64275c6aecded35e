import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much later the first answer token reaches a browser through the console than straight from the agent: time to
 * the first 'delta' event of the same question, asked alternately of the agent's stream and of the console's relay,
 * against a running stack (./forge up: console in 'none' mode).
 *
 * Run: java bench/ConsoleRelayBench.java CONSOLE_URL AGENT_URL CLIENT_KEY QUESTIONS
 */
public class ConsoleRelayBench {

    public static void main(String[] args) throws Exception {
        String console = args[0], agent = args[1], key = args[2];
        int questions = Integer.parseInt(args[3]);
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        String page = browser.send(HttpRequest.newBuilder(URI.create(console + "/")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String csrfHeader = find(page, "name=\"csrf-header\" content=\"([^\"]+)\"");
        String csrfToken = find(page, "name=\"csrf-token\" content=\"([^\"]+)\"");
        String agentId = find(page, "<option value=\"([^\"]+)\"");
        // The console talks only to the agent picked with the picker's form.
        browser.send(HttpRequest.newBuilder(URI.create(console + "/chat/agent"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("_csrf=" + csrfToken + "&agent=" + agentId)).build(),
                HttpResponse.BodyHandlers.discarding());
        String message = "what is (3+4)*2?";
        List<Long> direct = new ArrayList<>(), relayed = new ArrayList<>();
        for (int i = 0; i < questions + 10; i++) {
            long viaAgent = firstDelta(browser, HttpRequest.newBuilder(URI.create(agent + "/api/v1/chat/stream"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"" + message + "\"}")).build());
            long viaConsole = firstDelta(browser, HttpRequest.newBuilder(URI.create(console + "/chat/stream"))
                    .header(csrfHeader, csrfToken).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"agent\":\"" + agentId + "\",\"message\":\""
                            + message + "\"}")).build());
            if (i >= 10) {
                direct.add(viaAgent);
                relayed.add(viaConsole);
            }
        }
        System.out.printf("time to first answer token over %d questions, medians: straight from the agent %.2f ms,"
                + " through the console %.2f ms; the console adds %.2f ms (p90 of the relayed path %.2f ms)%n",
                questions, p(direct, 50), p(relayed, 50), p(relayed, 50) - p(direct, 50), p(relayed, 90));
    }

    static long firstDelta(HttpClient client, HttpRequest request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode());
        }
        long first = -1;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body()))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (first < 0 && line.startsWith("event:") && line.substring(6).trim().equals("delta")) {
                    first = System.nanoTime() - start;
                }
            }
        }
        if (first < 0) {
            throw new IllegalStateException("no delta event from " + request.uri());
        }
        return first;
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("not found: " + regex);
        }
        return m.group(1);
    }

    static double p(List<Long> nanos, int percentile) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percentile / 100)) / 1e6;
    }
}
