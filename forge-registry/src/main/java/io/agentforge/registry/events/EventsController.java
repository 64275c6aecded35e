package io.agentforge.registry.events;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.web.ApiException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

@RestController
@RequestMapping("/api/v1/events")
@Tag(name = "Change feed", description = "Server-sent events of every registry change")
class EventsController {

    private static final Logger log = LoggerFactory.getLogger(EventsController.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private static final long CONNECTION_TIMEOUT_MS = Duration.ofHours(1).toMillis();

    private final ChangeFeed feed;
    private final AtomicInteger subscribers = new AtomicInteger();

    EventsController(ChangeFeed feed, MeterRegistry meters) {
        this.feed = feed;
        Gauge.builder("agentforge.registry.feed.subscribers", subscribers, AtomicInteger::get)
                .description("Open change-feed connections").register(meters);
    }

    @GetMapping(produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @Operation(summary = "Change feed: events registered, updated, status-changed, deregistered, expired with"
            + " increasing ids. Send Last-Event-ID (or ?after=) to resume; a 'reset' event means the gap can't be"
            + " replayed and the client must reload the catalog.")
    SseEmitter events(@RequestHeader(value = "Last-Event-ID", required = false) String lastEventId,
                      @RequestParam(value = "after", required = false) String after) {
        long start = resumePoint(lastEventId != null ? lastEventId : after);
        SseEmitter emitter = new SseEmitter(CONNECTION_TIMEOUT_MS);
        subscribers.incrementAndGet();
        Thread.ofVirtual().name("change-feed-subscriber").start(() -> stream(emitter, start));
        return emitter;
    }

    private void stream(SseEmitter emitter, long start) {
        try {
            long cursor = start < 0 ? feed.latestId() : start;
            if (start >= 0 && (start > feed.latestId() || start + 1 < feed.oldestAvailableId())) {
                cursor = feed.latestId();
                emitter.send(SseEmitter.event().name("reset").id(Long.toString(cursor)).data(Map.of(
                        "reason", "events after " + start + " are no longer available; reload the catalog",
                        "lastEventId", cursor)));
            } else {
                emitter.send(SseEmitter.event().comment("subscribed after event " + cursor));
            }
            while (true) {
                List<ChangeEvent> events = feed.after(cursor, 256);
                // A subscriber that fell behind the retained history would skip events without knowing it.
                if (!events.isEmpty() && events.getFirst().id() != cursor + 1
                        && cursor + 1 < feed.oldestAvailableId()) {
                    cursor = feed.latestId();
                    emitter.send(SseEmitter.event().name("reset").id(Long.toString(cursor)).data(Map.of(
                            "reason", "this subscriber fell behind the retained events; reload the catalog",
                            "lastEventId", cursor)));
                    continue;
                }
                for (ChangeEvent event : events) {
                    emitter.send(SseEmitter.event().id(Long.toString(event.id())).name(event.type().wireName())
                            .data(event, MediaType.APPLICATION_JSON));
                    cursor = event.id();
                }
                if (events.isEmpty() && !feed.awaitNewer(cursor, HEARTBEAT)) {
                    if (!feed.isRunning()) {
                        break;
                    }
                    emitter.send(SseEmitter.event().comment("heartbeat"));
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
            subscribers.decrementAndGet();
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
