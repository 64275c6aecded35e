package io.agentforge.registry.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How long the lease times of a cached discovery answer may age before it is built again. */
class DiscoveryBodiesTests {

    private static final DiscoveryProperties PROPERTIES = new DiscoveryProperties(Duration.ofSeconds(1), 1000);
    private static final Instant BUILT = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void anAnswerUpToEightMebibytesIsRefreshedEveryLeaseRefresh() {
        DiscoveryBodies.Body body = body(8 * 1024 * 1024 - 1);

        assertThat(body.refreshAfter(PROPERTIES)).isEqualTo(Duration.ofSeconds(1));
        assertThat(body.agedAt(BUILT.plusMillis(999), PROPERTIES)).isFalse();
        assertThat(body.agedAt(BUILT.plusSeconds(1), PROPERTIES)).isTrue();
    }

    @Test
    void aLargerAnswerWaitsOneLeaseRefreshPerStartedEightMebibytes() {
        // The full fetch of 100,000 instances is about 70 MB.
        DiscoveryBodies.Body body = body(70_000_000);

        assertThat(body.refreshAfter(PROPERTIES)).isEqualTo(Duration.ofSeconds(9));
        assertThat(body.agedAt(BUILT.plusSeconds(8), PROPERTIES)).isFalse();
        assertThat(body.agedAt(BUILT.plusSeconds(9), PROPERTIES)).isTrue();
    }

    private static DiscoveryBodies.Body body(int bytes) {
        byte[] json = new byte[bytes];
        return new DiscoveryBodies.Body(1, 0, BUILT, json, new RegistryView.Gzipped(json));
    }
}
