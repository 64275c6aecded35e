package io.agentforge.registry.events;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.LimitsProperties;
import io.agentforge.registry.web.ApiException;
import io.agentforge.registry.web.Problems;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "Change feed", description = "Server-sent events of every registry change")
class EventsController {

    private static final Logger log = LoggerFactory.getLogger(EventsController.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    // How often an idle stream checks that this replica still reads the event log.
    private static final Duration CUT_OFF_CHECK = Duration.ofSeconds(1);
    private static final long CONNECTION_TIMEOUT_MS = Duration.ofHours(1).toMillis();

    private final ChangeFeed feed;
    private final LimitsProperties limits;
    private final AtomicInteger subscribers = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> subscribersByKey = new ConcurrentHashMap<>();

    EventsController(ChangeFeed feed, LimitsProperties limits, MeterRegistry meters) {
        this.feed = feed;
        this.limits = limits;
        Gauge.builder("agentforge.registry.feed.subscribers", subscribers, AtomicInteger::get)
                .description("Open change-feed connections")
                .register(meters);
    }

    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(
            summary = "Change feed: events registered, updated, status-changed, deregistered, expired with"
                    + " increasing ids. Send Last-Event-ID (or ?after=) to resume; a 'reset' event means the gap can't be"
                    + " replayed and the client must reload the catalog. 'key-revoked' carries the id of a revoked key; a"
                    + " subscriber whose own key is revoked gets it and then the stream ends. 429 when too many streams are"
                    + " open (per key or in total).")
    SseEmitter events(
            @RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
            @RequestParam(value = "after", required = false) String after,
            @AuthenticationPrincipal ApiKeyPrincipal caller) {
        long start = resumePoint(lastEventId != null ? lastEventId : after);
        if (feed.cutOff()) {
            // 503: the SDK subscribes through the next replica, which may still see every replica's changes.
            throw new DataAccessResourceFailureException("This replica can't read the change log");
        }
        String keyId = caller == null ? null : caller.keyId();
        acquire(keyId);
        try {
            SseEmitter emitter = new SseEmitter(CONNECTION_TIMEOUT_MS);
            Thread.ofVirtual().name("change-feed-subscriber").start(() -> stream(emitter, start, keyId));
            return emitter;
        } catch (RuntimeException e) {
            release(keyId);
            throw e;
        }
    }

    // The key's own limit first: its problem tells the caller what it can fix.
    private void acquire(String keyId) {
        if (keyId != null) {
            boolean[] admitted = {true};
            subscribersByKey.compute(keyId, (id, open) -> {
                int count = open == null ? 0 : open;
                if (count >= limits.subscribersPerKey()) {
                    admitted[0] = false;
                    return open;
                }
                return count + 1;
            });
            if (!admitted[0]) {
                throw new ApiException(
                        HttpStatus.TOO_MANY_REQUESTS,
                        Problems.LIMIT_EXCEEDED,
                        "Too many subscribers",
                        "This API key already has " + limits.subscribersPerKey() + " change-feed connections open"
                                + " (agentforge.registry.limits.subscribers-per-key); close one first, one per"
                                + " process is enough");
            }
        }
        if (subscribers.incrementAndGet() > limits.subscribers()) {
            release(keyId);
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    Problems.LIMIT_EXCEEDED,
                    "Too many subscribers",
                    "This registry already serves " + limits.subscribers() + " change-feed connections"
                            + " (agentforge.registry.limits.subscribers); try again later or another replica");
        }
    }

    private void release(String keyId) {
        if (keyId != null) {
            subscribersByKey.computeIfPresent(keyId, (id, open) -> open <= 1 ? null : open - 1);
        }
        subscribers.decrementAndGet();
    }

    private void stream(SseEmitter emitter, long start, String keyId) {
        try {
            long cursor = start < 0 ? feed.latestId() : start;
            if (start >= 0 && (start > feed.latestId() || start + 1 < feed.oldestAvailableId())) {
                cursor = feed.latestId();
                emitter.send(SseEmitter.event()
                        .name("reset")
                        .id(Long.toString(cursor))
                        .data(Map.of(
                                "reason",
                                "events after " + start + " are no longer available; reload the catalog",
                                "lastEventId",
                                cursor)));
            } else {
                emitter.send(SseEmitter.event().comment("subscribed after event " + cursor));
            }
            long heartbeatDue = System.nanoTime() + HEARTBEAT.toNanos();
            while (true) {
                List<ChangeEvent> events = feed.after(cursor, 256);
                // A subscriber that fell behind the retained history would skip events without knowing it.
                if (!events.isEmpty()
                        && events.getFirst().id() != cursor + 1
                        && cursor + 1 < feed.oldestAvailableId()) {
                    cursor = feed.latestId();
                    emitter.send(SseEmitter.event()
                            .name("reset")
                            .id(Long.toString(cursor))
                            .data(Map.of(
                                    "reason",
                                    "this subscriber fell behind the retained events; reload the catalog",
                                    "lastEventId",
                                    cursor)));
                    continue;
                }
                boolean ownKeyRevoked = false;
                for (ChangeEvent event : events) {
                    emitter.send(SseEmitter.event()
                            .id(Long.toString(event.id()))
                            .name(event.type().wireName())
                            .data(event, MediaType.APPLICATION_JSON));
                    cursor = event.id();
                    if (event.type() == ChangeType.KEY_REVOKED && keyId != null && keyId.equals(event.keyId())) {
                        ownKeyRevoked = true;
                        break;
                    }
                }
                if (ownKeyRevoked) {
                    break;
                }
                if (events.isEmpty() && !feed.awaitNewer(cursor, CUT_OFF_CHECK)) {
                    if (!feed.isRunning()) {
                        break;
                    }
                    if (feed.cutOff()) {
                        // Other replicas' changes can't reach this one: end the stream so the subscriber resumes
                        // (Last-Event-ID) on a replica that still reads the log.
                        emitter.send(SseEmitter.event().comment("this replica can't read the change log"));
                        break;
                    }
                    long now = System.nanoTime();
                    if (now - heartbeatDue >= 0) {
                        emitter.send(SseEmitter.event().comment("heartbeat"));
                        heartbeatDue = now + HEARTBEAT.toNanos();
                    }
                }
            }
            emitter.complete();
        } catch (IOException | IllegalStateException e) {
            // The client went away or the connection timed out: nothing to report.
            log.debug("Change-feed subscriber left: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            emitter.complete();
        } catch (RuntimeException e) {
            log.warn("Change-feed subscriber failed", e);
            emitter.completeWithError(e);
        } finally {
            release(keyId);
        }
    }

    private static long resumePoint(String value) {
        if (value == null || value.isBlank()) {
            return -1;
        }
        try {
            long id = Long.parseLong(value.trim());
            if (id < 0) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("Last-Event-ID must be a non-negative event id, got '"
                    + (value.length() > 40 ? value.substring(0, 37) + "..." : value) + "'");
        }
    }
}
