package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.tool;
import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.lease.LeaseSweeper;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.MemoryRegistryTest;
import io.agentforge.registry.support.SseSubscription;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The SSE change feed over real HTTP. Waits are upper bounds for events to arrive, never timing assertions. */
@MemoryRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeFeedHttpTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    @Autowired
    LeaseSweeper sweeper;

    @Autowired
    InstanceStore store;

    Http http;
    String serviceKey;

    @BeforeAll
    void keys() {
        http = new Http("http://127.0.0.1:" + port);
        serviceKey = http.post(
                        "/api/v1/keys",
                        ADMIN_KEY,
                        Map.of(
                                "name",
                                "feed-svc",
                                "roles",
                                List.of("service"),
                                "services",
                                List.of("feed", "feed-exp", "resume")))
                .as(ApiKeyCreated.class)
                .key();
    }

    SseSubscription subscribe(String... headers) {
        return new SseSubscription(
                http.request("/api/v1/events", serviceKey, headers).GET().build());
    }

    ChangeEvent parse(SseSubscription.Event event) {
        return Http.JSON.readValue(event.data(), ChangeEvent.class);
    }

    // A new subscriber may still be handed the revocations of earlier tests first.
    SseSubscription.Event revocationOf(SseSubscription feed, String keyId) throws InterruptedException {
        for (SseSubscription.Event event = feed.next("key-revoked", WAIT);
                event != null;
                event = feed.next("key-revoked", WAIT)) {
            if (keyId.equals(parse(event).keyId())) {
                return event;
            }
        }
        return null;
    }

    @Test
    void everyKindOfChangeReachesASubscriberInOrder() throws Exception {
        try (SseSubscription feed = subscribe()) {
            assertThat(feed.status()).isEqualTo(200);
            http.post("/api/v1/instances", serviceKey, tool("feed-1", "feed", "feed_fn"));
            http.post("/api/v1/instances", serviceKey, tool("feed-1", "feed", "feed_fn"));
            store.changeStatus("feed-1", InstanceStatus.DOWN, clock.instant());
            http.delete("/api/v1/instances/feed-1", serviceKey);

            List<SseSubscription.Event> events =
                    List.of(feed.next(WAIT), feed.next(WAIT), feed.next(WAIT), feed.next(WAIT));

            assertThat(events)
                    .extracting(SseSubscription.Event::type)
                    .containsExactly("registered", "updated", "status-changed", "deregistered");
            assertThat(events)
                    .extracting(e -> Long.parseLong(e.id()))
                    .isSorted()
                    .doesNotHaveDuplicates();
            ChangeEvent statusChange = parse(events.get(2));
            assertThat(statusChange.type()).isEqualTo(ChangeType.STATUS_CHANGED);
            assertThat(statusChange.instance().status()).isEqualTo(InstanceStatus.DOWN);
            assertThat(statusChange.id()).isEqualTo(Long.parseLong(events.get(2).id()));
        }
    }

    @Test
    void aRevokedKeyIsAnnouncedWithItsIdAndNoInstance() throws Exception {
        ApiKeyCreated revoked = http.post(
                        "/api/v1/keys", ADMIN_KEY, Map.of("name", "doomed", "roles", List.of("client")))
                .as(ApiKeyCreated.class);
        try (SseSubscription feed = subscribe()) {
            assertThat(feed.status()).isEqualTo(200);

            assertThat(http.delete("/api/v1/keys/" + revoked.keyId(), ADMIN_KEY).status())
                    .isEqualTo(204);

            SseSubscription.Event event = revocationOf(feed, revoked.keyId());
            assertThat(event).isNotNull();
            ChangeEvent change = parse(event);
            assertThat(change.type()).isEqualTo(ChangeType.KEY_REVOKED);
            assertThat(change.keyId()).isEqualTo(revoked.keyId());
            assertThat(change.instance()).isNull();
            assertThat(event.data()).doesNotContain("instance");
            assertThat(change.id()).isEqualTo(Long.parseLong(event.id()));
        }
    }

    @Test
    void aSubscriberWhoseOwnKeyIsRevokedGetsTheEventAndThenTheStreamEnds() throws Exception {
        ApiKeyCreated key = http.post("/api/v1/keys", ADMIN_KEY, Map.of("name", "listener", "roles", List.of("client")))
                .as(ApiKeyCreated.class);
        try (SseSubscription feed = new SseSubscription(
                http.request("/api/v1/events", key.key()).GET().build())) {
            assertThat(feed.status()).isEqualTo(200);

            http.delete("/api/v1/keys/" + key.keyId(), ADMIN_KEY);

            assertThat(revocationOf(feed, key.keyId())).isNotNull();
            assertThat(feed.awaitEnd(WAIT)).isTrue();
        }
    }

    @Test
    void anExpiredLeaseIsAnnounced() throws Exception {
        try (SseSubscription feed = subscribe()) {
            assertThat(feed.status()).isEqualTo(200);
            http.post("/api/v1/instances", serviceKey, tool("feed-exp-1", "feed-exp"));
            clock.advance(Duration.ofSeconds(31));
            store.all().stream()
                    .map(s -> s.instance().instanceId())
                    .filter(id -> !id.equals("feed-exp-1"))
                    .forEach(id -> store.renew(id, clock.instant()));

            sweeper.sweep();

            SseSubscription.Event expired = feed.next("expired", WAIT);
            assertThat(expired).isNotNull();
            assertThat(parse(expired).instance().instanceId()).isEqualTo("feed-exp-1");
        }
    }

    @Test
    void aSubscriberResumesAfterLastEventIdWithoutLosingEvents() throws Exception {
        long before =
                http.get("/api/v1/status", serviceKey).json().get("lastEventId").asLong();
        http.post("/api/v1/instances", serviceKey, tool("resume-1", "resume"));
        http.post("/api/v1/instances", serviceKey, tool("resume-2", "resume"));

        try (SseSubscription feed = subscribe("Last-Event-ID", Long.toString(before))) {
            SseSubscription.Event first = feed.next(WAIT);
            SseSubscription.Event second = feed.next(WAIT);

            assertThat(parse(first).instance().instanceId()).isEqualTo("resume-1");
            assertThat(parse(second).instance().instanceId()).isEqualTo("resume-2");
            assertThat(Long.parseLong(first.id())).isEqualTo(before + 1);
        }
        try (SseSubscription feed = new SseSubscription(http.request("/api/v1/events?after=" + (before + 1), serviceKey)
                .GET()
                .build())) {
            assertThat(parse(feed.next(WAIT)).instance().instanceId()).isEqualTo("resume-2");
        }
    }

    @Test
    void aResumePointTheRegistryCannotServeGetsAReset() throws Exception {
        try (SseSubscription feed = subscribe("Last-Event-ID", "999999999")) {
            SseSubscription.Event reset = feed.next(WAIT);

            assertThat(reset.type()).isEqualTo("reset");
            assertThat(reset.data()).contains("reload the catalog");
        }
    }

    @Test
    void theFeedNeedsAKey() {
        assertThat(http.get("/api/v1/events", null).status()).isEqualTo(401);
    }
}
