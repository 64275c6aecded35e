package io.agentforge.client;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads one change-feed response body on a virtual thread and hands what it parses to a listener. */
final class SseSubscription implements FeedSubscription {

    private static final Logger log = LoggerFactory.getLogger(SseSubscription.class);

    private final InputStream body;
    private final ChangeFeedListener listener;
    private final JsonMapper mapper;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean open = true;
    private volatile long lastEventId;

    SseSubscription(InputStream body, ChangeFeedListener listener, JsonMapper mapper, long after) {
        this.body = body;
        this.listener = listener;
        this.mapper = mapper;
        this.lastEventId = after;
    }

    SseSubscription start() {
        Thread.ofVirtual().name("forge-change-feed").start(this::read);
        return this;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public long lastEventId() {
        return lastEventId;
    }

    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            try {
                body.close();
            } catch (IOException e) {
                log.debug("Closing the change feed failed: {}", e.toString());
            }
        }
    }

    private void read() {
        Throwable error = null;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            // Uncapped, as always: the registry builds its change events itself, each a small record.
            SseParser parser = new SseParser(new SseParser.Sink() {
                @Override
                public void event(SseParser.SseEvent event) {
                    dispatch(event);
                }

                @Override
                public void comment(String text) {
                    safely(listener::onHeartbeat);
                }
            });
            parser.read(reader, event -> false);
        } catch (IOException e) {
            if (!closing.get()) {
                error = new RegistryUnreachableException("The change feed broke: " + e.getMessage(), e);
            }
        } catch (RegistryException e) {
            error = e;
        } finally {
            open = false;
            close();
            Throwable reported = error;
            safely(() -> listener.onClosed(reported));
        }
    }

    private void dispatch(SseParser.SseEvent event) {
        if (event.event().equals("reset")) {
            long resetPoint = resetPoint(event);
            lastEventId = resetPoint;
            safely(() -> listener.onReset(resetPoint));
            return;
        }
        ChangeType type;
        try {
            type = ChangeType.fromWire(event.event());
        } catch (IllegalArgumentException e) {
            // A newer registry may send kinds this client does not know: skip them, don't break the feed.
            log.debug("Skipping change-feed event of unknown type '{}'", event.event());
            return;
        }
        ChangeEvent change;
        try {
            change = mapper.readValue(event.data(), ChangeEvent.class);
        } catch (RuntimeException e) {
            throw new RegistryException(
                    new Problem(
                            200,
                            Problem.INVALID_RESPONSE,
                            "Unreadable change event",
                            "Event " + event.id() + " (" + type.wireName() + ") is not a ChangeEvent: "
                                    + Problem.abbreviate(e.getMessage())),
                    e);
        }
        lastEventId = change.id();
        safely(() -> listener.onEvent(change));
    }

    private long resetPoint(SseParser.SseEvent event) {
        try {
            return Long.parseLong(event.id());
        } catch (NumberFormatException e) {
            try {
                JsonNode data = mapper.readTree(event.data());
                return data.path("lastEventId").asLong(-1);
            } catch (RuntimeException notJson) {
                return -1;
            }
        }
    }

    private void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            log.warn("A change-feed listener failed", e);
        }
    }
}
