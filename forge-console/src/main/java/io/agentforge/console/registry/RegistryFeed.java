package io.agentforge.console.registry;

import io.agentforge.client.Backoff;
import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.RegistryException;
import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegistryStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Follows the registry's change feed once for the whole console and fans it out to the browsers watching the
 * Registry page; samples instance counts for the page's chart.
 *
 * <p>Browsers get a small {@code change} event per registry change and re-render the page fragment from the
 * server, so the server stays the only place that knows how an instance is shown.
 */
@Component
public class RegistryFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RegistryFeed.class);
    /** Browsers reconnect by themselves (EventSource); an hour bounds how long a forgotten tab holds a thread. */
    private static final Duration BROWSER_STREAM_TIMEOUT = Duration.ofHours(1);

    private final RegistryGateway registry;
    private final Clock clock;
    private final Duration sampleInterval;
    private final int maxSamples;
    private final ArrayDeque<CountSample> samples = new ArrayDeque<>();
    private final List<SseEmitter> browsers = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Object> wakeUps = new LinkedBlockingQueue<>();
    private final RandomGenerator random = RandomGenerator.getDefault();
    private volatile boolean running;
    private volatile boolean connected;
    private volatile long lastEventId = -1;
    private volatile FeedSubscription subscription;
    private Thread follower;
    private ScheduledExecutorService sampler;
    private ExecutorService fanOut;

    RegistryFeed(RegistryGateway registry, Clock clock, ConsoleProperties properties) {
        this.registry = registry;
        this.clock = clock;
        this.sampleInterval = properties.console().chartInterval();
        this.maxSamples = properties.console().chartSamples();
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        fanOut = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("console-feed-fanout").factory());
        sampler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("console-feed-sampler").factory());
        sampler.scheduleWithFixedDelay(this::tick, 0, sampleInterval.toMillis(), TimeUnit.MILLISECONDS);
        follower = Thread.ofPlatform().daemon().name("console-feed").start(this::follow);
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        wakeUps.offer(Boolean.TRUE);
        FeedSubscription current = subscription;
        if (current != null) {
            current.close();
        }
        sampler.shutdownNow();
        browsers.forEach(SseEmitter::complete);
        browsers.clear();
        fanOut.shutdownNow();
        follower.interrupt();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether the console currently follows the registry's change feed. */
    public boolean isConnected() {
        return connected;
    }

    /** The chart's samples, oldest first. */
    public List<CountSample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Asks the registry for its counts now and records them; false when it did not answer. */
    public boolean sampleNow() {
        try {
            RegistryStatus status = registry.status();
            long up = status.byKindAndStatus() == null
                    ? 0
                    : status.byKindAndStatus().values().stream()
                            .mapToLong(byStatus -> byStatus.getOrDefault(InstanceStatus.UP, 0L))
                            .sum();
            record(new CountSample(clock.instant(), status.instances(), Math.min(up, status.instances())));
            return true;
        } catch (RegistryException e) {
            log.debug("Registry status unavailable for the chart: {}", e.getMessage());
            return false;
        }
    }

    void record(CountSample sample) {
        synchronized (samples) {
            samples.addLast(sample);
            while (samples.size() > maxSamples) {
                samples.removeFirst();
            }
        }
    }

    /** A stream of {@code change} events for one browser; it ends when the browser leaves or the console stops. */
    public SseEmitter watch() {
        SseEmitter emitter = new SseEmitter(BROWSER_STREAM_TIMEOUT.toMillis());
        emitter.onCompletion(() -> browsers.remove(emitter));
        emitter.onTimeout(() -> browsers.remove(emitter));
        emitter.onError(error -> browsers.remove(emitter));
        browsers.add(emitter);
        // Tell the page at once whether it is live, so it can say so.
        broadcastTo(emitter, "status", Map.of("connected", connected));
        return emitter;
    }

    int browserCount() {
        return browsers.size();
    }

    private void tick() {
        sampleNow();
        // A comment line per tick finds browsers that left without closing the stream.
        fanOutToAll(emitter -> emitter.send(SseEmitter.event().comment("heartbeat")));
    }

    private void follow() {
        int failures = 0;
        while (running) {
            try {
                OptionalLong after = lastEventId < 0 ? OptionalLong.empty() : OptionalLong.of(lastEventId);
                subscription = registry.subscribe(after, new Listener());
                if (!running) {
                    subscription.close();
                    return;
                }
                setConnected(true);
                failures = 0;
                wakeUps.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures++;
                if (Integer.bitCount(failures) == 1) {
                    log.warn("Registry change feed unavailable (attempt {}): {}", failures, e.getMessage());
                }
            }
            setConnected(false);
            Duration wait = Backoff.DEFAULT.delay(Math.max(1, failures), random);
            try {
                wakeUps.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void setConnected(boolean now) {
        if (connected != now) {
            connected = now;
            broadcast("status", Map.of("connected", now));
        }
    }

    private void broadcast(String name, Object data) {
        fanOutToAll(emitter -> emitter.send(SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON)));
    }

    private void broadcastTo(SseEmitter emitter, String name, Object data) {
        try {
            emitter.send(SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON));
        } catch (IOException | IllegalStateException e) {
            browsers.remove(emitter);
        }
    }

    private void fanOutToAll(Send send) {
        ExecutorService executor = fanOut;
        if (executor == null || executor.isShutdown() || browsers.isEmpty()) {
            return;
        }
        try {
            executor.execute(() -> {
                for (SseEmitter emitter : browsers) {
                    try {
                        send.to(emitter);
                    } catch (IOException | IllegalStateException e) {
                        browsers.remove(emitter);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // Stopping.
        }
    }

    @FunctionalInterface
    private interface Send {
        void to(SseEmitter emitter) throws IOException;
    }

    private final class Listener implements ChangeFeedListener {

        @Override
        public void onEvent(ChangeEvent event) {
            lastEventId = event.id();
            var instance = event.instance();
            broadcast(
                    "change",
                    Map.of(
                            "type", event.type().wireName(),
                            "service", instance == null ? "" : instance.name(),
                            "instanceId", instance == null ? "" : instance.instanceId()));
            // The chart follows changes at once instead of waiting for the next tick.
            if (sampler != null && !sampler.isShutdown()) {
                try {
                    sampler.execute(RegistryFeed.this::sampleNow);
                } catch (RejectedExecutionException e) {
                    // Stopping.
                }
            }
        }

        @Override
        public void onReset(long resetAfter) {
            lastEventId = resetAfter;
            broadcast("change", Map.of("type", "reset"));
        }

        @Override
        public void onClosed(Throwable error) {
            if (error != null && running) {
                log.info("Registry change feed broke; reconnecting: {}", error.getMessage());
            }
            wakeUps.offer(Boolean.TRUE);
        }
    }
}
