package io.agentforge.client;

import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceRegistration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one instance registered: registers it, renews every lease/3 (±jitter), registers again when the registry
 * has forgotten it (404), backs off while the registry is unreachable or failing, and deregisters on
 * {@link #close()}. It never gives up and never throws into the host application.
 *
 * <p>All registry calls run on one daemon thread of its own; the methods are thread-safe.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(15);

    private final RegistryClient client;
    private final Backoff backoff;
    private final Clock clock;
    private final RandomGenerator random;
    private final ScheduledExecutorService executor;
    private volatile ServiceRegistration registration;
    private volatile Progress progress;
    private volatile boolean started;
    private volatile boolean closed;
    // Only touched on the executor thread.
    private @Nullable ScheduledFuture<?> next;

    public LeaseKeeper(RegistryClient client, ServiceRegistration registration, Clock clock) {
        this(client, registration, Backoff.DEFAULT, clock, RandomGenerator.getDefault());
    }

    /** @param backoff delays between failed attempts; never longer than lease/3, so a lease can survive a blip */
    public LeaseKeeper(
            RegistryClient client,
            ServiceRegistration registration,
            Backoff backoff,
            Clock clock,
            RandomGenerator random) {
        this.client = Objects.requireNonNull(client, "client");
        this.registration = Objects.requireNonNull(registration, "registration");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.progress = new Progress(registration.instanceId(), false, null, null, 0, null);
        this.executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .daemon()
                .name("forge-lease-" + registration.name())
                .factory());
    }

    /** Starts registering in the background; returns at once, also when the registry is down. Idempotent. */
    public synchronized LeaseKeeper start() {
        if (!started && !closed) {
            started = true;
            executor.execute(this::cycle);
        }
        return this;
    }

    /**
     * Registers or renews now instead of waiting for the next renewal.
     *
     * @return completes with the state after the attempt; never completes exceptionally
     */
    public CompletableFuture<LeaseState> renewNow() {
        if (!started || closed) {
            return CompletableFuture.completedFuture(state());
        }
        try {
            return CompletableFuture.supplyAsync(
                            () -> {
                                cycle();
                                return state();
                            },
                            executor)
                    .exceptionally(e -> state());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(state());
        }
    }

    public LeaseState state() {
        Progress p = progress;
        boolean valid = p.registered
                && p.lease != null
                && p.lastSuccess != null
                && clock.instant().isBefore(p.lastSuccess.plus(p.lease.leaseDuration()));
        return new LeaseState(p.instanceId, valid, p.lease, p.lastSuccess, p.failures, p.lastError);
    }

    /** The registration as last sent, with the instance id the registry assigned when none was given. */
    public ServiceRegistration registration() {
        return registration;
    }

    /** Stops renewing and deregisters the instance (best effort, bounded wait). Idempotent, never throws. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Future<?> deregistration = executor.submit(this::deregister);
            deregistration.get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            log.warn("Deregistering {} did not complete: {}", registration.instanceId(), e.toString());
        } finally {
            executor.shutdownNow();
        }
    }

    private void cycle() {
        if (closed) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        Duration delay;
        try {
            Lease lease = progress.instanceId == null || !progress.registered ? register() : renew();
            Instant now = clock.instant();
            if (progress.failures > 0) {
                log.info(
                        "Registry reachable again: {} is registered (after {} failed attempts)",
                        lease.instanceId(),
                        progress.failures);
            }
            progress = new Progress(lease.instanceId(), true, lease, now, 0, null);
            delay = backoff.jittered(renewalInterval(lease.leaseDuration()), random);
        } catch (RuntimeException e) {
            int failures = progress.failures + 1;
            Progress p = progress;
            progress = new Progress(
                    p.instanceId,
                    p.registered && !(e instanceof UnknownInstanceException),
                    p.lease,
                    p.lastSuccess,
                    failures,
                    e.getMessage());
            delay = backoff.cappedAt(renewalInterval(registration.leaseDuration()))
                    .delay(failures, random);
            if (Integer.bitCount(failures) == 1) {
                // 1st, 2nd, 4th, 8th… failure: enough to see an outage without flooding the log.
                log.warn(
                        "Could not keep {} ({}) registered, attempt {} failed; retrying in {} ms: {}",
                        registration.name(),
                        p.instanceId,
                        failures,
                        delay.toMillis(),
                        e.getMessage());
            } else {
                log.debug("Attempt {} to keep {} registered failed: {}", failures, p.instanceId, e.getMessage());
            }
        }
        if (!closed) {
            next = executor.schedule(this::cycle, delay.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private Lease register() {
        Instance instance = client.register(registration);
        if (registration.instanceId() == null) {
            registration = registration.withInstanceId(instance.instanceId());
        }
        log.info(
                "Registered {} as {} at {} (lease {})",
                instance.name(),
                instance.instanceId(),
                instance.endpoint(),
                instance.leaseDuration());
        return new Lease(instance.instanceId(), instance.leaseDuration(), instance.lastRenewal(), instance.expiresAt());
    }

    private Lease renew() {
        try {
            return client.renew(progress.instanceId);
        } catch (UnknownInstanceException e) {
            log.info(
                    "The registry does not know {} any more (lease expired or registry restarted); registering"
                            + " again",
                    progress.instanceId);
            Progress p = progress;
            progress = new Progress(p.instanceId, false, p.lease, p.lastSuccess, p.failures, e.getMessage());
            return register();
        }
    }

    private void deregister() {
        if (next != null) {
            next.cancel(false);
        }
        Progress p = progress;
        // Also when not confirmed: a registration whose answer was lost may still have been stored.
        if (p.instanceId == null || !started) {
            return;
        }
        try {
            boolean known = client.deregister(p.instanceId);
            log.info("Deregistered {}{}", p.instanceId, known ? "" : " (the registry had already forgotten it)");
        } catch (RuntimeException e) {
            log.warn("Could not deregister {}; its lease will expire: {}", p.instanceId, e.getMessage());
        }
        progress = new Progress(p.instanceId, false, p.lease, p.lastSuccess, p.failures, p.lastError);
    }

    /** A third of the lease, so two renewals can fail before it runs out. */
    static Duration renewalInterval(Duration lease) {
        return lease.dividedBy(3);
    }

    private record Progress(
            @Nullable String instanceId,
            boolean registered,
            @Nullable Lease lease,
            @Nullable Instant lastSuccess,
            int failures,
            @Nullable String lastError) {}
}
