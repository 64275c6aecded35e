package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RevocationFollowerTests {

    private final FakeRegistryClient registry = new FakeRegistryClient(new MutableClock());
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private final RevocationFollower follower = new RevocationFollower(
            registry, revoked::add, new Backoff(Duration.ofMillis(10), Duration.ofMillis(20), 0));

    @AfterEach
    void close() {
        follower.close();
    }

    @Test
    void eachRevokedKeyIsHandedOn() {
        follower.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.feed != null);

        registry.feed.keyRevoked(5, "abc12345");
        registry.feed.keyRevoked(6, "def67890");

        assertThat(revoked).containsExactly("abc12345", "def67890");
    }

    @Test
    void aBrokenFeedIsResumedAfterTheLastEventSeen() {
        follower.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.feed != null);
        FakeRegistryClient.Feed first = registry.feed;
        first.event(new ChangeEvent(7, ChangeType.EXPIRED, Instant.EPOCH, null));
        first.keyRevoked(9, "abc12345");

        first.breakWith(new RegistryUnreachableException("gone", null));

        await().atMost(Duration.ofSeconds(10)).until(() -> registry.feed != first);
        assertThat(registry.subscriptions).containsExactly(OptionalLong.empty(), OptionalLong.of(9));
        registry.feed.keyRevoked(10, "def67890");
        assertThat(revoked).containsExactly("abc12345", "def67890");
    }
}
