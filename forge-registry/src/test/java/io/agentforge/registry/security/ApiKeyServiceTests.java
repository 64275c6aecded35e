package io.agentforge.registry.security;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.support.MutableClock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyServiceTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();

    private ApiKeyService service(String adminKey) {
        return new ApiKeyService(store, clock, new SecurityProperties(true, adminKey, Duration.ofSeconds(5)));
    }

    private static String bootstrap(ApiKeyService service) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        service.bootstrap(new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Nested
    class Bootstrap {

        @Test
        void withoutAConfiguredKeyOneIsGeneratedAndPrintedOnlyOnce() {
            ApiKeyService keys = service(null);

            String first = bootstrap(keys);
            String second = bootstrap(keys);

            String key = first.replaceAll("(?s).*(af_[a-z0-9]+_[A-Za-z0-9_-]+).*", "$1");
            assertThat(key).startsWith("af_");
            assertThat(keys.authenticate(key)).get().satisfies(p -> assertThat(p.roles()).containsExactly(Role.ADMIN));
            assertThat(second).isEmpty();
            assertThat(store.list()).hasSize(1);
            assertThat(store.list().getFirst().secretHash()).as("stored hashed").doesNotContain(key.substring(16));
        }

        @Test
        void aConfiguredKeyIsAdoptedAndNotPrinted() {
            String configured = "af_configured1_abcdefghijklmnopqrstuvwxyz";
            ApiKeyService keys = service(configured);

            assertThat(bootstrap(keys)).isEmpty();

            assertThat(keys.authenticate(configured)).isPresent();
            assertThat(keys.authenticate("af_configured1_abcdefghijklmnopqrstuvwxyZ")).isEmpty();
        }

        @Test
        void aMalformedConfiguredKeyStopsTheStartWithAnExplanation() {
            assertThatThrownBy(() -> bootstrap(service("secret")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("AGENTFORGE_ADMIN_KEY").hasMessageNotContaining("secret'");
        }
    }

    @Nested
    class Authentication {

        @Test
        void aCreatedKeyAuthenticatesWithItsRolesUntilRevoked() {
            ApiKeyService keys = service(null);
            ApiKeyCreated created = keys.create(new ApiKeyRequest("tool", Set.of(Role.SERVICE)));

            assertThat(keys.authenticate(created.key())).get()
                    .satisfies(p -> assertThat(p.has(Role.CLIENT)).isTrue())
                    .satisfies(p -> assertThat(p.has(Role.ADMIN)).isFalse());
            assertThat(keys.revoke(created.keyId())).isTrue();
            assertThat(keys.authenticate(created.key())).isEmpty();
            assertThat(keys.introspect(created.key()).active()).isFalse();
        }

        @Test
        void malformedAndForeignKeysAreRejected() {
            ApiKeyService keys = service(null);
            ApiKeyCreated created = keys.create(new ApiKeyRequest("tool", Set.of(Role.CLIENT)));

            assertThat(keys.authenticate(null)).isEmpty();
            assertThat(keys.authenticate("")).isEmpty();
            assertThat(keys.authenticate("Bearer " + created.key())).isEmpty();
            assertThat(keys.authenticate(created.key() + "x")).isEmpty();
            assertThat(keys.authenticate("af_" + created.keyId() + "_" + "A".repeat(43))).isEmpty();
        }
    }
}
