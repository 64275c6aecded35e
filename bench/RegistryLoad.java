import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registers the benchmark's instances: SERVICES tool services with INSTANCES/SERVICES instances each and two
 * functions per service. Instance ids are b-<service>-<n>, as renew.lua expects.
 *
 * Run: java bench/RegistryLoad.java http://127.0.0.1:18081 af_... 10000 200
 */
public class RegistryLoad {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int instances = Integer.parseInt(args[2]);
        int services = Integer.parseInt(args[3]);
        int perService = instances / services;
        HttpClient http = HttpClient.newHttpClient();
        Semaphore inFlight = new Semaphore(32);
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int s = 0; s < services; s++) {
                for (int n = 0; n < perService; n++) {
                    String body = """
                            {"instanceId":"b-%1$d-%2$d","name":"bench-%1$d","kind":"TOOL","version":"1.0.0",
                             "endpoint":"http://10.1.%3$d.%4$d:8083","capabilities":["bench","group-%5$d"],
                             "functions":[
                               {"name":"bench_%1$d_eval","description":"Evaluates for bench %1$d",
                                "inputSchema":{"type":"object","properties":{"expression":{"type":"string"}},"required":["expression"]}},
                               {"name":"bench_%1$d_add","description":"Adds for bench %1$d",
                                "inputSchema":{"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}}}}],
                             "leaseDuration":"5m"}
                            """.formatted(s, n, s % 250, n % 250 + 1, s % 10);
                    inFlight.acquire();
                    executor.submit(() -> {
                        try {
                            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/instances"))
                                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() >= 300) {
                                if (failures.incrementAndGet() < 5) {
                                    System.err.println(response.statusCode() + " " + response.body());
                                }
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        } finally {
                            inFlight.release();
                        }
                        return null;
                    });
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("registered %d instances of %d services in %.1f s (%.0f/s), %d failures%n",
                services * perService, services, seconds, services * perService / seconds, failures.get());
        if (failures.get() > 0) {
            System.exit(1);
        }
    }
}
