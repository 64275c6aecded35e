package io.agentforge.registry.health;

import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceProtocol;
import io.agentforge.registry.catalog.RegistryView;
import io.agentforge.registry.instance.EndpointPolicy;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.instance.Registrations;
import io.agentforge.registry.instance.StoredInstance;
import io.agentforge.registry.mcp.McpServerException;
import io.agentforge.registry.mcp.McpServers;
import io.agentforge.registry.web.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Active health probes. One tick a second starts the probes that are due as asynchronous requests on one shared
 * {@link HttpClient}: thousands of instances need a handful of threads, never one each. 3 consecutive failures mark
 * an instance DOWN, one success marks it UP again. Redirects are not followed, so a probe never leaves the host of
 * the registered endpoint.
 *
 * <p>A registered MCP server ({@code "protocol": "mcp"}) is probed with {@code initialize} followed by {@code DELETE} of
 * the session, and every {@code agentforge.registry.mcp.refresh-interval} the probe imports its {@code tools/list}
 * instead (the catalog changes when the tools did). Nobody else renews an MCP server's lease, so each successful
 * probe renews it: the instance lives while the server answers and is gone one lease after it stopped.
 */
@Component
public class HealthProber implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(HealthProber.class);

    private final RegistryView view;
    private final InstanceStore store;
    private final HealthProperties properties;
    private final Clock clock;
    private final ExecutorService executor = Executors.newFixedThreadPool(
            2, Thread.ofPlatform().daemon().name("health-probe-", 0).factory());
    private final HttpClient http;
    private final Semaphore inFlight;
    private final Counter failures;
    private final Map<String, ProbeState> states = new ConcurrentHashMap<>();
    private final EndpointPolicy endpointPolicy;
    private final McpServers mcp;
    private final Registrations registrations;
    // MCP conversations are a few blocking requests each: one virtual thread per probe, bounded by maxInFlight.
    private final ExecutorService mcpExecutor = Executors.newVirtualThreadPerTaskExecutor();

    HealthProber(
            RegistryView view,
            InstanceStore store,
            HealthProperties properties,
            EndpointPolicy endpointPolicy,
            McpServers mcp,
            Registrations registrations,
            Clock clock,
            MeterRegistry meters) {
        this.endpointPolicy = endpointPolicy;
        this.mcp = mcp;
        this.registrations = registrations;
        this.view = view;
        this.store = store;
        this.properties = properties;
        this.clock = clock;
        this.inFlight = new Semaphore(properties.maxInFlight());
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(properties.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.failures = Counter.builder("agentforge.registry.probe.failures")
                .description("Failed health probes")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${agentforge.registry.health.tick:1s}")
    void scheduledTick() {
        if (properties.enabled()) {
            probeDue();
        }
    }

    /** Starts every probe that is due now; the future completes when they have all been judged. */
    public CompletableFuture<Void> probeDue() {
        Instant now = clock.instant();
        List<CompletableFuture<Void>> started = new ArrayList<>();
        var current = view.current();
        Set<String> known = new HashSet<>();
        current.services().values().forEach(list -> list.forEach(i -> known.add(i.instanceId())));
        states.keySet().retainAll(known);
        for (List<Instance> instances : current.services().values()) {
            for (Instance instance : instances) {
                HealthCheck check = instance.healthCheck();
                if (check == null) {
                    continue;
                }
                ProbeState state = states.computeIfAbsent(
                        instance.instanceId(),
                        id -> new ProbeState(now.plus(mcp.properties().refreshInterval())));
                if (state.running || state.nextDue.isAfter(now)) {
                    continue;
                }
                if (!inFlight.tryAcquire()) {
                    return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
                }
                state.running = true;
                state.nextDue = now.plus(check.interval());
                started.add(probe(instance, check, state));
            }
        }
        return CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Void> probe(Instance instance, HealthCheck check, ProbeState state) {
        if (instance.protocol() == ServiceProtocol.MCP) {
            return probeMcp(instance, state);
        }
        try {
            URI endpoint = URI.create(instance.endpoint());
            URI target = URI.create(instance.endpoint() + check.path());
            if (!endpoint.getHost().equalsIgnoreCase(target.getHost()) || endpoint.getPort() != target.getPort()) {
                // Validation makes this unreachable; refuse rather than probe another host if it ever is not.
                return CompletableFuture.runAsync(
                        () -> judge(instance, state, false, "probe target left the endpoint host"), executor);
            }
            HttpRequest request = HttpRequest.newBuilder(target)
                    .timeout(properties.timeout())
                    .GET()
                    .header("User-Agent", "agent-forge-registry-probe")
                    .build();
            // A host name is resolved and checked before each probe: it may point at a metadata service today
            // even if it did not at registration.
            return CompletableFuture.supplyAsync(
                            () -> resolvedRefusal(
                                    endpoint.getHost(),
                                    endpoint.getPort() != -1
                                            ? endpoint.getPort()
                                            : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80),
                            executor)
                    .thenCompose(refusal -> refusal.isPresent()
                            ? CompletableFuture.completedFuture(refusal.get())
                            : http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                                    .orTimeout(
                                            properties.timeout().toMillis() * 2,
                                            java.util.concurrent.TimeUnit.MILLISECONDS)
                                    .handle((response, error) -> error != null
                                            ? error.getClass().getSimpleName()
                                            : response.statusCode() / 100 == 2
                                                    ? null
                                                    : "HTTP " + response.statusCode()))
                    .handle((failure, error) -> {
                        judge(
                                instance,
                                state,
                                error == null && failure == null,
                                error != null ? error.getClass().getSimpleName() : failure);
                        return null;
                    });
        } catch (RuntimeException e) {
            // Nothing may leak the in-flight permit or leave the instance marked as being probed.
            judge(instance, state, false, e.getClass().getSimpleName());
            return CompletableFuture.completedFuture(null);
        }
    }

    private CompletableFuture<Void> probeMcp(Instance instance, ProbeState state) {
        Instant now = clock.instant();
        boolean refresh = !state.nextRefresh.isAfter(now);
        if (refresh) {
            state.nextRefresh = now.plus(mcp.properties().refreshInterval());
        }
        try {
            return CompletableFuture.supplyAsync(
                            () -> {
                                try {
                                    if (refresh) {
                                        refresh(instance);
                                    } else {
                                        mcp.ping(instance.endpoint());
                                        store.renew(instance.instanceId(), clock.instant());
                                    }
                                    return null;
                                } catch (McpServerException e) {
                                    return e.getMessage();
                                }
                            },
                            mcpExecutor)
                    .handle((failure, error) -> {
                        judge(
                                instance,
                                state,
                                error == null && failure == null,
                                error != null ? error.getClass().getSimpleName() : failure);
                        return null;
                    });
        } catch (RuntimeException e) {
            judge(instance, state, false, e.getClass().getSimpleName());
            return CompletableFuture.completedFuture(null);
        }
    }

    // A changed tool list is stored as the owner's registration again (one "updated" event on the feed); an unchanged
    // one only renews the lease.
    private void refresh(Instance instance) throws McpServerException {
        var functions = mcp.importFunctions(instance.registration());
        if (functions.equals(instance.functions())) {
            store.renew(instance.instanceId(), clock.instant());
            return;
        }
        Optional<StoredInstance> current = store.find(instance.instanceId());
        if (current.isEmpty()) {
            return;
        }
        try {
            registrations.storeImported(
                    current.get().instance().registration().withFunctions(functions),
                    current.get().ownerKeyId());
            log.info(
                    "Instance {} now offers {} functions from its MCP server", instance.instanceId(), functions.size());
        } catch (ApiException e) {
            // Say, a new tool's name is another service's function: the old catalog stays, the server is alive.
            log.warn(
                    "Kept the functions of {}: its new tool list can't be stored ({})",
                    instance.instanceId(),
                    e.getBody().getDetail());
            store.renew(instance.instanceId(), clock.instant());
        }
    }

    private Optional<String> resolvedRefusal(String host, int port) {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            for (InetAddress address : InetAddress.getAllByName(name)) {
                Optional<String> refusal = endpointPolicy.addressRefusal(address, port);
                if (refusal.isPresent()) {
                    return Optional.of("refused: " + name + " resolves to " + refusal.get());
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("unknown host " + name);
        }
    }

    private void judge(Instance instance, ProbeState state, boolean ok, String outcome) {
        try {
            if (ok) {
                state.consecutiveFailures = 0;
                if (store.changeStatus(instance.instanceId(), InstanceStatus.UP, clock.instant())) {
                    log.info("Instance {} is UP again", instance.instanceId());
                }
            } else {
                failures.increment();
                state.consecutiveFailures++;
                if (state.consecutiveFailures >= properties.failureThreshold()
                        && store.changeStatus(instance.instanceId(), InstanceStatus.DOWN, clock.instant())) {
                    log.warn(
                            "Instance {} is DOWN after {} failed probes (last: {})",
                            instance.instanceId(),
                            state.consecutiveFailures,
                            outcome);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Could not record the probe of {}", instance.instanceId(), e);
        } finally {
            state.running = false;
            inFlight.release();
        }
    }

    @Override
    public void destroy() {
        executor.shutdownNow();
        mcpExecutor.shutdownNow();
    }

    private static final class ProbeState {
        volatile Instant nextDue = Instant.MIN;
        volatile Instant nextRefresh;

        ProbeState(Instant nextRefresh) {
            this.nextRefresh = nextRefresh;
        }

        volatile boolean running;
        volatile int consecutiveFailures;
    }
}
