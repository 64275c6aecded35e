package io.agentforge.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.KeyIntrospector;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.RegistryException;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Role;
import io.agentforge.testsupport.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link KeyIntrospector} in front of a real registry: answers are cached briefly, so revocations lag by the TTL. */
class KeyIntrospectionTests {

    private static RegistryServer registry;
    private static HttpRegistryClient service;

    private final MutableClock clock = MutableClock.startingNow();
    private final AtomicInteger registryCalls = new AtomicInteger();

    @BeforeAll
    static void startRegistry() {
        registry = RegistryServer.start();
        service = registry.client(
                registry.createKey("svc-introspection", Role.SERVICE).key());
    }

    @AfterAll
    static void stopRegistry() {
        service.close();
        registry.close();
    }

    /** The service's client, counting the calls that reach the registry. */
    private RegistryClient counting(RegistryClient delegate) {
        return (RegistryClient) Proxy.newProxyInstance(
                RegistryClient.class.getClassLoader(), new Class<?>[] {RegistryClient.class}, (proxy, method, args) -> {
                    registryCalls.incrementAndGet();
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void aValidKeyIsVouchedForAndTheAnswerReusedUntilItsTtlEvenAfterRevocation() {
        KeyIntrospector introspector = new KeyIntrospector(counting(service), clock);
        ApiKeyCreated key = registry.createKey("caller-one", Role.CLIENT);

        IntrospectionResult result = introspector.introspect(key.key());
        assertThat(result.active()).isTrue();
        assertThat(result.principal()).isEqualTo("caller-one");
        assertThat(result.roles()).containsExactly(Role.CLIENT);

        registry.revokeKey(key.keyId());
        clock.advance(Duration.ofSeconds(29));
        assertThat(introspector.introspect(key.key()).active()).isTrue();
        assertThat(registryCalls).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        assertThat(introspector.introspect(key.key()).active()).isFalse();
        assertThat(registryCalls).hasValue(2);
    }

    @Test
    void anUnknownKeyIsInactiveAndThatAnswerIsKeptOnlyBriefly() {
        KeyIntrospector introspector = new KeyIntrospector(counting(service), clock);
        String unknown = "af_unknown00_" + "u".repeat(32);

        assertThat(introspector.introspect(unknown).active()).isFalse();
        clock.advance(Duration.ofSeconds(4));
        assertThat(introspector.introspect(unknown).active()).isFalse();
        assertThat(registryCalls).hasValue(1);

        clock.advance(Duration.ofSeconds(2));
        introspector.introspect(unknown);
        assertThat(registryCalls).hasValue(2);
    }

    @Test
    void onlyServiceKeysMayIntrospect() {
        ApiKeyCreated clientOnly = registry.createKey("caller-two", Role.CLIENT);
        try (HttpRegistryClient client = registry.client(clientOnly.key())) {
            KeyIntrospector introspector = new KeyIntrospector(client, clock);

            assertThatThrownBy(() -> introspector.introspect(clientOnly.key()))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
    }
}
