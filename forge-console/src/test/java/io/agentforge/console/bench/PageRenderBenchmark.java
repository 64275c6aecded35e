package io.agentforge.console.bench;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.console.ConsoleApplication;
import io.agentforge.registry.RegistryApplication;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * How long the console takes to render its pages with 100 registered instances: a real registry and the console
 * in this JVM, pages fetched one after another over loopback. Not a test; run on demand (see docs/console.md).
 *
 * <p>Arguments: {@code [instances=100] [requests=500]}.
 */
public final class PageRenderBenchmark {

    private static final String ADMIN_KEY = "af_benchadmin1_Console-bench-admin-key-0123456789abcdef";

    private PageRenderBenchmark() {}

    public static void main(String[] args) throws Exception {
        int instances = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        HttpServer health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        health.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        health.start();
        String endpoint = "http://127.0.0.1:" + health.getAddress().getPort();

        ConfigurableApplicationContext registry = new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--spring.config.name=forge-registry-bench",
                        "--spring.threads.virtual.enabled=true",
                        "--logging.level.root=WARN",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--agentforge.registry.allow-loopback-endpoints=true");
        String registryUrl = "http://127.0.0.1:" + registry.getEnvironment().getRequiredProperty("local.server.port");
        try (HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String serviceKey = key(http, registryUrl, "bench-services", Role.SERVICE);
            String consoleKey = key(http, registryUrl, "bench-console", Role.CLIENT);
            try (HttpRegistryClient client = new HttpRegistryClient(new ForgeClientSettings(
                    URI.create(registryUrl), serviceKey, Duration.ofSeconds(2), Duration.ofSeconds(10)))) {
                for (int i = 0; i < instances; i++) {
                    int service = i % 10;
                    List<FunctionDescriptor> functions = List.of(
                            function("tool" + service + "_add"),
                            function("tool" + service + "_sub"),
                            function("tool" + service + "_mul"));
                    client.register(new ServiceRegistration(
                            "tool" + service + "-" + i,
                            "tool" + service,
                            ServiceKind.TOOL,
                            "1.0." + i,
                            "Benchmark tool " + service,
                            endpoint,
                            List.of("bench"),
                            Map.of("zone", "z" + (i % 3)),
                            functions,
                            new HealthCheck("/health", Duration.ofMinutes(1)),
                            Duration.ofHours(1)));
                }
            }
            ConfigurableApplicationContext console = new SpringApplicationBuilder(ConsoleApplication.class)
                    .run(
                            "--server.port=0",
                            "--server.address=127.0.0.1",
                            "--spring.main.banner-mode=off",
                            "--logging.level.root=WARN",
                            "--agentforge.console.auth=none",
                            "--agentforge.registry-url=" + registryUrl,
                            "--agentforge.api-key=" + consoleKey);
            String consoleUrl = "http://127.0.0.1:" + console.getEnvironment().getRequiredProperty("local.server.port");
            Thread.sleep(2000);
            System.out.printf(
                    "%d instances, %d sequential requests per page after %d warm-up requests%n",
                    instances, requests, requests);
            System.out.printf("%-20s %8s %8s %8s %10s%n", "page", "p50 ms", "p95 ms", "p99 ms", "bytes");
            for (String page : List.of("/registry", "/registry/services", "/tools", "/")) {
                measure(http, consoleUrl + page, requests);
                double[] millis = measure(http, consoleUrl + page, requests);
                long bytes = http.send(
                                HttpRequest.newBuilder(URI.create(consoleUrl + page))
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray())
                        .body()
                        .length;
                System.out.printf(
                        "%-20s %8.2f %8.2f %8.2f %10d%n",
                        page, percentile(millis, 50), percentile(millis, 95), percentile(millis, 99), bytes);
            }
            console.close();
        } finally {
            registry.close();
            health.stop(0);
        }
    }

    private static double[] measure(HttpClient http, String url, int requests) throws Exception {
        double[] millis = new double[requests];
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/html")
                .build();
        for (int i = 0; i < requests; i++) {
            long start = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            millis[i] = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
        }
        return millis;
    }

    private static double percentile(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(percentile / 100.0 * sorted.length) - 1)];
    }

    private static FunctionDescriptor function(String name) {
        return new FunctionDescriptor(
                name,
                "Benchmark function " + name,
                Map.of(
                        "type",
                        "object",
                        "properties",
                        Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")),
                        "required",
                        List.of("a", "b")),
                null);
    }

    private static String key(HttpClient http, String registryUrl, String name, Role role) throws Exception {
        var mapper = ForgeJacksonModule.mapper();
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/keys"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(
                                role == Role.SERVICE
                                        ? new ApiKeyRequest(name, EnumSet.of(role), List.of("tool*"), null)
                                        : new ApiKeyRequest(name, EnumSet.of(role)))))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        return mapper.readValue(response.body(), ApiKeyCreated.class).key();
    }
}
