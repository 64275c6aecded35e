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
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeyServiceTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();

    private ApiKeyService service(String adminKey) {
        return service(adminKey, List.of());
    }

    private ApiKeyService service(String adminKey, List<String> serviceKeys) {
        return new ApiKeyService(store, clock, new SecurityProperties(true, adminKey, serviceKeys,
                Duration.ofSeconds(5)));
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
        void configuredServiceKeysAreProvisionedWithTheirRolesAndNoAdminKeyIsPrinted() {
            String admin = "af_configured1_abcdefghijklmnopqrstuvwxyz";
            String calculator = "af_calculator01_calculator-secret-0123456789";
            String console = "af_console0001_console-secret-0123456789";
            ApiKeyService keys = service(admin, List.of("calculator:service:" + calculator,
                    " console:client:" + console + " "));

            assertThat(bootstrap(keys)).isEmpty();
            assertThat(bootstrap(keys)).as("idempotent across restarts").isEmpty();

            assertThat(keys.authenticate(calculator)).get().satisfies(p -> {
                assertThat(p.roles()).containsExactly(Role.SERVICE);
                assertThat(p.has(Role.ADMIN)).isFalse();
            });
            assertThat(keys.authenticate(console)).get().satisfies(p -> assertThat(p.roles())
                    .containsExactly(Role.CLIENT));
            assertThat(keys.authenticate(admin)).isPresent();
            assertThat(store.list()).hasSize(3).allSatisfy(key -> assertThat(key.secretHash())
                    .doesNotContain("secret"));
        }

        @Test
        void aConfiguredServiceKeyRevokedThroughTheApiIsActiveAgainAfterARestart() {
            String calculator = "af_calculator01_calculator-secret-0123456789";
            ApiKeyService keys = service(null, List.of("calculator:service:" + calculator));
            bootstrap(keys);
            keys.revoke("calculator01");

            bootstrap(service(null, List.of("calculator:service:" + calculator)));

            assertThat(service(null).authenticate(calculator)).isPresent();
        }

        @Test
        void malformedServiceKeysStopTheStartWithoutRevealingTheirSecret() {
            String secret = "a-very-secret-value-0123456789";
            for (String entry : List.of("calculator:service", "calculator:root:af_calculator01_" + secret,
                    "bad name!:service:af_calculator01_" + secret, "calculator:service:af_X_" + secret)) {
                assertThatThrownBy(() -> bootstrap(service(null, List.of(entry))))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("AGENTFORGE_SERVICE_KEYS entry 1")
                        .hasMessageNotContaining(secret);
            }
            assertThatThrownBy(() -> bootstrap(service("af_calculator01_" + secret,
                    List.of("calculator:service:af_calculator01_other-secret-0123456789"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reuses the key id calculator01");
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
