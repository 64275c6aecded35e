package io.agentforge.registry.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.registry.instance.InMemoryInstanceStore;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.support.UnreachableDatabase;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A feed that can't read the event log for a while says so (its streams then end), and recovers by itself. */
class ChangeFeedCutOffTests {

    private final InMemoryInstanceStore memory = new InMemoryInstanceStore(1000);
    private volatile boolean databaseDown;

    // The in-memory store, except that reading the event log fails as a lost database connection does.
    private final InstanceStore store = UnreachableDatabase.failing(memory, () -> databaseDown, Set.of("eventsAfter"));

    private final ChangeFeed feed = new ChangeFeed(store);

    @AfterEach
    void stop() {
        feed.stop();
    }

    @Test
    void aFeedThatCannotReadTheLogIsCutOffUntilItReadsItAgain() {
        feed.start();
        assertThat(feed.cutOff()).isFalse();

        databaseDown = true;
        await().atMost(Duration.ofSeconds(30)).until(feed::cutOff);

        databaseDown = false;
        await().atMost(Duration.ofSeconds(30)).until(() -> !feed.cutOff());
    }
}
