package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Role;
import io.agentforge.testsupport.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyIntrospectorTests {

    private static final String KEY = "af_caller0001_" + "k".repeat(32);
    private static final String OTHER = "af_caller0002_" + "o".repeat(32);

    private final MutableClock clock = new MutableClock();
    private final FakeRegistryClient registry = new FakeRegistryClient(clock);
    private final KeyIntrospector introspector = new KeyIntrospector(registry, clock);

    private void registryKnows(String key) {
        registry.introspection = presented -> presented.equals(key)
                ? new IntrospectionResult(true, "caller0001", "agent", Set.of(Role.CLIENT))
                : IntrospectionResult.inactive();
    }

    @Test
    void anActiveAnswerIsReusedForThirtySeconds() {
        registryKnows(KEY);

        IntrospectionResult first = introspector.introspect(KEY);
        clock.advance(Duration.ofSeconds(29));
        IntrospectionResult second = introspector.introspect(KEY);

        assertThat(first.active()).isTrue();
        assertThat(second).isEqualTo(first);
        assertThat(registry.introspections).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        introspector.introspect(KEY);
        assertThat(registry.introspections).hasValue(2);
    }

    @Test
    void anInactiveAnswerIsReusedOnlyForFiveSeconds() {
        registryKnows(KEY);

        assertThat(introspector.introspect(OTHER).active()).isFalse();
        clock.advance(Duration.ofSeconds(4));
        introspector.introspect(OTHER);
        assertThat(registry.introspections).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        registryKnows(OTHER);
        assertThat(introspector.introspect(OTHER).active()).isTrue();
        assertThat(registry.introspections).hasValue(2);
    }

    @Test
    void answersAreKeyedByTheDigestNeverTheKey() {
        registryKnows(KEY);

        introspector.introspect(KEY);

        assertThat(introspector.cachedDigests())
                .containsExactly(KeyIntrospector.sha256(KEY))
                .noneMatch(entry -> entry.contains(KEY) || entry.contains("k".repeat(32)));
        assertThat(KeyIntrospector.sha256(KEY)).hasSize(64);
    }

    @Test
    void theCacheIsBoundedDroppingTheLeastRecentlyUsed() {
        KeyIntrospector small = new KeyIntrospector(registry, Duration.ofSeconds(30), Duration.ofSeconds(5), 2, clock);
        String third = "af_caller0003_" + "t".repeat(32);

        small.introspect(KEY);
        small.introspect(OTHER);
        small.introspect(KEY);
        small.introspect(third);

        assertThat(small.size()).isEqualTo(2);
        assertThat(small.cachedDigests())
                .containsExactlyInAnyOrder(KeyIntrospector.sha256(KEY), KeyIntrospector.sha256(third));
    }

    @Test
    void malformedKeysAreInactiveWithoutAskingTheRegistry() {
        assertThat(introspector.introspect(null).active()).isFalse();
        assertThat(introspector.introspect("").active()).isFalse();
        assertThat(introspector.introspect("Bearer nonsense").active()).isFalse();
        assertThat(introspector.introspect("af_" + "x".repeat(600)).active()).isFalse();
        assertThat(registry.introspections).hasValue(0);
    }

    @Test
    void aRegistryFailureWithNothingCachedPropagatesSoCallersFailClosed() {
        registry.failure = new RegistryUnreachableException("down", null);

        assertThatThrownBy(() -> introspector.introspect(KEY)).isInstanceOf(RegistryUnreachableException.class);
        assertThat(introspector.size()).isZero();
    }

    @Test
    void whileTheRegistryIsDownAKeyThatWasActiveStaysAcceptedForTheGracePeriodOnly() {
        registryKnows(KEY);
        introspector.introspect(KEY);
        introspector.introspect(OTHER);
        registry.failure = new RegistryUnreachableException("down", null);

        clock.advance(Duration.ofSeconds(31));
        int before = registry.introspectionAttempts.get();
        assertThat(introspector.introspect(KEY).active())
                .as("past its 30 s, inside the grace")
                .isTrue();
        assertThat(introspector.introspect(KEY).active()).isTrue();
        assertThat(registry.introspectionAttempts.get() - before)
                .as("one attempt per retry interval, not one per request")
                .isEqualTo(1);
        assertThatThrownBy(() -> introspector.introspect(OTHER))
                .as("an inactive answer gets no grace")
                .isInstanceOf(RegistryUnreachableException.class);

        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> introspector.introspect(KEY))
                .as("past the grace: fail closed")
                .isInstanceOf(RegistryUnreachableException.class);
    }

    @Test
    void aRefusalFromTheRegistryIsNotCoveredByTheGrace() {
        registryKnows(KEY);
        introspector.introspect(KEY);
        registry.failure = new RegistryException(new Problem(
                401,
                URI.create("urn:agentforge:problem:unauthorized"),
                "Unauthorized",
                "this service's own key was revoked"));

        clock.advance(Duration.ofSeconds(31));

        assertThatThrownBy(() -> introspector.introspect(KEY)).isInstanceOf(RegistryException.class);
    }

    @Test
    void invalidatingForgetsOneAnswer() {
        registryKnows(KEY);
        introspector.introspect(KEY);

        introspector.invalidate(KEY);
        introspector.introspect(KEY);

        assertThat(registry.introspections).hasValue(2);
    }

    @Test
    void forgettingAKeyIdDropsTheAnswersAboutThatKeyOnly() {
        registry.introspection = presented -> presented.equals(KEY)
                ? new IntrospectionResult(true, "caller0001", "agent", Set.of(Role.CLIENT))
                : new IntrospectionResult(true, "caller0002", "other", Set.of(Role.CLIENT));
        introspector.introspect(KEY);
        introspector.introspect(OTHER);

        introspector.forget("caller0001");

        assertThat(introspector.size()).isEqualTo(1);
        introspector.introspect(OTHER);
        assertThat(registry.introspections).hasValue(2);
    }
}
