package io.agentforge.client;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the registry's change feed for {@code key-revoked} events and hands each revoked key id to a callback
 * (drop cached tokens and introspection answers, refuse tokens naming the key). Reconnects with backoff, resuming
 * after the last event seen. Revocations during a gap the registry can no longer replay are missed; the tokens they
 * concern expire within the token TTL, and the registry refuses the key at once. Thread-safe.
 */
public final class RevocationFollower implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RevocationFollower.class);

    private final RegistryClient client;
    private final Consumer<String> onRevoked;
    private final Backoff backoff;
    private final SplittableRandom random = new SplittableRandom();
    private volatile boolean running;
    private volatile @Nullable FeedSubscription subscription;
    private volatile long lastEventId = -1;
    private @Nullable Thread worker;

    /** @param onRevoked called with each revoked key id on the feed's reader thread; must return quickly */
    public RevocationFollower(RegistryClient client, Consumer<String> onRevoked, Backoff backoff) {
        this.client = Objects.requireNonNull(client, "client");
        this.onRevoked = Objects.requireNonNull(onRevoked, "onRevoked");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    public synchronized RevocationFollower start() {
        if (worker == null) {
            running = true;
            worker = Thread.ofVirtual().name("forge-revocations").start(this::run);
        }
        return this;
    }

    /** Whether a feed connection is open now. */
    public boolean isConnected() {
        FeedSubscription current = subscription;
        return current != null && current.isOpen();
    }

    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            running = false;
            thread = worker;
        }
        FeedSubscription current = subscription;
        if (current != null) {
            current.close();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }

    private void run() {
        int failures = 0;
        while (running) {
            CountDownLatch closed = new CountDownLatch(1);
            try {
                long after = lastEventId;
                subscription = client.subscribe(
                        after < 0 ? OptionalLong.empty() : OptionalLong.of(after), new Listener(closed));
                if (!running) {
                    subscription.close();
                    break;
                }
                failures = 0;
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException e) {
                failures++;
                if (Integer.bitCount(failures) == 1) {
                    log.warn(
                            "Following the registry for revoked keys failed (attempt {}): {}",
                            failures,
                            e.getMessage());
                }
            }
            if (!running) {
                break;
            }
            try {
                Thread.sleep(backoff.delay(Math.max(1, failures), random));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private final class Listener implements ChangeFeedListener {

        private final CountDownLatch closed;

        Listener(CountDownLatch closed) {
            this.closed = closed;
        }

        @Override
        public void onEvent(ChangeEvent event) {
            lastEventId = event.id();
            if (event.type() == ChangeType.KEY_REVOKED && event.keyId() != null) {
                onRevoked.accept(event.keyId());
            }
        }

        @Override
        public void onReset(long resetPoint) {
            lastEventId = resetPoint;
            log.debug("Change feed reset to {}: revocations in the gap, if any, expire with their tokens", resetPoint);
        }

        @Override
        public void onClosed(@Nullable Throwable error) {
            if (error != null && running) {
                log.debug("The change feed for revoked keys broke: {}", error.getMessage());
            }
            closed.countDown();
        }
    }
}
