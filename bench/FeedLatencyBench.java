import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Registration → visible to subscribed forge-client caches, for bench/feed-latency-bench.sh. SUBSCRIBERS
 * {@link DiscoveryCache}s (the starter's feed follower: change feed, then a conditional catalog fetch) follow a
 * registry that already holds the benchmark's instances; then PROBES new tool instances are registered one every
 * INTERVAL_MS, each in one of ten probe services, and for every subscriber the time from sending the registration to
 * the instance being in that subscriber's {@code endpoints(service)} is recorded (polled every millisecond, so the
 * figures are rounded up to it), and the time until the subscriber had received the change event (its
 * {@code instanceChanges()} count moved), which splits the feed's delivery from the catalog re-read that follows.
 * Prints p50 / p90 / p99 / max over all probes and subscribers.
 *
 * Run: java -cp "lib/*" bench/FeedLatencyBench.java BASE KEY SUBSCRIBERS PROBES INTERVAL_MS
 */
public class FeedLatencyBench {

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String key = args[1];
        int subscribers = Integer.parseInt(args[2]);
        int probes = Integer.parseInt(args[3]);
        long intervalMs = Long.parseLong(args[4]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        List<DiscoveryCache> caches = new ArrayList<>();
        for (int s = 0; s < subscribers; s++) {
            DiscoveryCache cache =
                    new DiscoveryCache(new HttpRegistryClient(ForgeClientSettings.of(base, key), http), Clock.systemUTC())
                            .start();
            if (!cache.awaitCatalog(Duration.ofSeconds(60))) {
                throw new IllegalStateException("subscriber " + s + " got no catalog within 60 s");
            }
            caches.add(cache);
        }
        // Let every subscription settle before the first probe.
        Thread.sleep(2000);
        System.out.printf("%d subscribers follow %s; catalog: %d functions%n",
                subscribers, base, caches.getFirst().functions().size());

        long[] latencies = new long[probes * subscribers];
        long[] events = new long[probes * subscribers];
        int e = 0;
        int missed = 0;
        int n = 0;
        long[] registerMs = new long[probes];
        try (ExecutorService watchers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p = 0; p < probes; p++) {
                String service = "feed-probe-" + (p % 10);
                String instance = "feed-probe-" + p + "-" + System.nanoTime();
                long sent = System.nanoTime();
                List<Future<long[]>> seen = new ArrayList<>();
                for (DiscoveryCache cache : caches) {
                    long changesBefore = cache.instanceChanges();
                    seen.add(watchers.submit(() -> awaitVisible(cache, service, instance, sent, changesBefore)));
                }
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/instances"))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(registration(service, instance)))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                registerMs[p] = (System.nanoTime() - sent) / 1_000_000;
                if (answer.statusCode() != 201 && answer.statusCode() != 200) {
                    throw new IllegalStateException("registration answered " + answer.statusCode() + ": " + answer.body());
                }
                for (Future<long[]> f : seen) {
                    long[] nanos = f.get();
                    if (nanos[1] < 0) {
                        missed++;
                    } else {
                        latencies[n++] = nanos[1];
                    }
                    if (nanos[0] >= 0) {
                        events[e++] = nanos[0];
                    }
                }
                Thread.sleep(intervalMs);
            }
        }
        caches.forEach(DiscoveryCache::close);
        long[] got = Arrays.copyOf(latencies, n);
        Arrays.sort(got);
        long[] evt = Arrays.copyOf(events, e);
        Arrays.sort(evt);
        long[] reg = registerMs.clone();
        Arrays.sort(reg);
        System.out.printf("probes: %d, one every %d ms; registration answered in p50 %d ms / p99 %d ms%n",
                probes, intervalMs, reg[reg.length / 2], reg[(int) Math.min(reg.length - 1, Math.ceil(reg.length * 0.99) - 1)]);
        System.out.printf("registration sent -> change event received by a subscriber (%d observations):"
                        + " p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                evt.length, ms(evt, 0.50), ms(evt, 0.90), ms(evt, 0.99), evt.length == 0 ? 0 : evt[evt.length - 1] / 1e6);
        System.out.printf("registration sent -> visible in a subscriber's cache (%d observations, %d not seen within 10 s):"
                        + " p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                got.length, missed, ms(got, 0.50), ms(got, 0.90), ms(got, 0.99), got.length == 0 ? 0 : got[got.length - 1] / 1e6);
    }

    /**
     * Nanoseconds from {@code sent} until the cache received a change event and until it lists the instance; -1 for
     * what did not happen within 10 s.
     */
    private static long[] awaitVisible(
            DiscoveryCache cache, String service, String instance, long sent, long changesBefore)
            throws InterruptedException {
        long deadline = sent + 10_000_000_000L;
        long event = -1;
        while (System.nanoTime() < deadline) {
            if (event < 0 && cache.instanceChanges() > changesBefore) {
                event = System.nanoTime() - sent;
            }
            if (cache.endpoints(service).stream().anyMatch(e -> e.instanceId().equals(instance))) {
                long visible = System.nanoTime() - sent;
                return new long[] {event < 0 ? visible : event, visible};
            }
            Thread.sleep(1);
        }
        return new long[] {event, -1};
    }

    private static double ms(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * q) - 1));
        return sorted[i] / 1e6;
    }

    private static String registration(String service, String instance) {
        return """
                {"instanceId":"%s","name":"%s","kind":"TOOL","version":"1.0.0","endpoint":"http://10.9.0.1:8083",\
                "description":"feed latency probe","functions":[{"name":"%s_lookup","description":"Looks up a record \
                for the feed latency probe","inputSchema":{"type":"object","properties":{"id":{"type":"string"}}}}],\
                "leaseDuration":"10m"}"""
                .formatted(instance, service, service.replace('-', '_'));
    }
}
