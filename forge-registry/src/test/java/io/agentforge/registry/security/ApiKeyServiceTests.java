package io.agentforge.registry.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.testsupport.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

class ApiKeyServiceTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryApiKeyStore store = new InMemoryApiKeyStore();

    private ApiKeyService service(String adminKey) {
        return service(adminKey, List.of());
    }

    private ApiKeyService service(String adminKey, List<String> serviceKeys) {
        return new ApiKeyService(
                store, clock, new SecurityProperties(true, adminKey, serviceKeys, Duration.ofSeconds(5), null));
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
            assertThat(keys.authenticate(key))
                    .get()
                    .satisfies(p -> assertThat(p.roles()).containsExactly(Role.ADMIN));
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
            assertThat(keys.authenticate("af_configured1_abcdefghijklmnopqrstuvwxyZ"))
                    .isEmpty();
        }

        @Test
        void configuredServiceKeysAreProvisionedWithTheirRolesAndNoAdminKeyIsPrinted() {
            String admin = "af_configured1_abcdefghijklmnopqrstuvwxyz";
            String calculator = "af_calculator01_calculator-secret-0123456789";
            String console = "af_console0001_console-secret-0123456789";
            ApiKeyService keys = service(
                    admin,
                    List.of(
                            "calculator:service:services=calculator:" + calculator,
                            " console:client:" + console + " "));

            assertThat(bootstrap(keys)).isEmpty();
            assertThat(bootstrap(keys)).as("idempotent across restarts").isEmpty();

            assertThat(keys.authenticate(calculator)).get().satisfies(p -> {
                assertThat(p.roles()).containsExactly(Role.SERVICE);
                assertThat(p.has(Role.ADMIN)).isFalse();
            });
            assertThat(keys.authenticate(console))
                    .get()
                    .satisfies(p -> assertThat(p.roles()).containsExactly(Role.CLIENT));
            assertThat(keys.authenticate(admin)).isPresent();
            assertThat(store.list())
                    .hasSize(3)
                    .allSatisfy(key -> assertThat(key.secretHash()).doesNotContain("secret"));
        }

        @Test
        void aConfiguredServiceKeyRevokedThroughTheApiStaysRevokedAfterARestart() {
            String calculator = "af_calculator01_calculator-secret-0123456789";
            List<String> configured = List.of("calculator:service:services=calculator:" + calculator);
            ApiKeyService keys = service(null, configured);
            bootstrap(keys);
            assertThat(keys.revoke("calculator01")).isTrue();

            ApiKeyService restarted = service(null, configured);
            bootstrap(restarted);
            bootstrap(restarted);

            assertThat(restarted.authenticate(calculator)).isEmpty();
            assertThat(store.find("calculator01"))
                    .get()
                    .satisfies(key -> assertThat(key.active()).isFalse());
        }

        @Test
        void aConfiguredKeyRevokedThroughTheApiIsAdoptedAgainWithANewSecret() {
            ApiKeyService keys = service(
                    null,
                    List.of("calculator:service:services=calculator:"
                            + "af_calculator01_calculator-secret-0123456789"));
            bootstrap(keys);
            keys.revoke("calculator01");
            String renewed = "af_calculator01_a-new-calculator-secret-0123";

            ApiKeyService restarted = service(null, List.of("calculator:service:services=calculator:" + renewed));
            bootstrap(restarted);

            assertThat(restarted.authenticate(renewed)).isPresent();
            assertThat(restarted.authenticate("af_calculator01_calculator-secret-0123456789"))
                    .isEmpty();
        }

        @Test
        void aRevokedConfiguredAdminKeyStaysRevokedAndANewAdminKeyIsPrinted() {
            String admin = "af_configured1_abcdefghijklmnopqrstuvwxyz";
            ApiKeyService keys = service(admin);
            bootstrap(keys);
            keys.revoke("configured1");

            String printed = bootstrap(service(admin));

            assertThat(service(admin).authenticate(admin)).isEmpty();
            assertThat(printed).contains("Agent Forge admin key");
        }

        @Test
        void theScopeOfAConfiguredKeyIsParsedAndFollowsTheConfiguration() {
            String agent = "af_agent000001_agent-secret-0123456789";
            String tools = "af_tools000001_tools-secret-0123456789";
            bootstrap(service(
                    null,
                    List.of(
                            "agent:service:services=agent;kinds=agent:" + agent,
                            "tools:service:services=calculator| calc-* ;kinds=tool|AGENT:" + tools)));

            assertThat(service(null).authenticate(agent)).get().satisfies(p -> {
                assertThat(p.services()).containsExactly("agent");
                assertThat(p.kinds()).containsExactly(ServiceKind.AGENT);
                assertThat(p.mayUse("agent")).isTrue();
                assertThat(p.mayUse("calculator")).isFalse();
            });
            assertThat(service(null).authenticate(tools)).get().satisfies(p -> {
                assertThat(p.services()).containsExactly("calculator", "calc-*");
                assertThat(p.kinds()).containsExactlyInAnyOrder(ServiceKind.TOOL, ServiceKind.AGENT);
                assertThat(p.mayUse("calc-x")).isTrue();
            });

            bootstrap(service(null, List.of("agent:service:services=agent-*;kinds=agent:" + agent)));

            assertThat(store.find("agent000001"))
                    .get()
                    .satisfies(key -> assertThat(key.services()).containsExactly("agent-*"));
        }

        @Test
        void aServiceKeyWithoutServicesStopsTheStartWithTheSyntax() {
            String secret = "a-very-secret-value-0123456789";

            assertThatThrownBy(() -> bootstrap(service(null, List.of("calculator:service:af_calculator01_" + secret))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("entry 1 (calculator)")
                    .hasMessageContaining("services=calculator")
                    .hasMessageNotContaining(secret);
            assertThat(store.list()).isEmpty();
        }

        @Test
        void malformedServiceKeysStopTheStartWithoutRevealingTheirSecret() {
            String secret = "a-very-secret-value-0123456789";
            for (String entry : List.of(
                    "calculator:service",
                    "calculator:root:af_calculator01_" + secret,
                    "bad name!:service:af_calculator01_" + secret,
                    "calculator:service:services=calculator:af_X_" + secret,
                    "calculator:service:services=af_calculator01_" + secret + ":af_calculator01_" + secret,
                    "calculator:service:services=calculator;kinds=robot:af_calculator01_" + secret,
                    "calculator:service:scope=calculator:af_calculator01_" + secret,
                    "console:client:services=calculator:af_calculator01_" + secret,
                    "af_calculator01_" + secret + ":service:services=x:af_calculator01_" + secret)) {
                assertThatThrownBy(() -> bootstrap(service(null, List.of(entry))))
                        .isInstanceOf(IllegalStateException.class)
                        .as(entry)
                        .hasMessageContaining("AGENTFORGE_SERVICE_KEYS entry 1")
                        .hasMessageNotContaining(secret);
            }
            assertThatThrownBy(() -> bootstrap(service(
                            "af_calculator01_" + secret,
                            List.of("calculator:service:services=calculator:af_calculator01_other-secret-0123456789"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reuses the key id calculator01");
        }

        @Test
        void aMalformedConfiguredKeyStopsTheStartWithAnExplanation() {
            assertThatThrownBy(() -> bootstrap(service("secret")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("AGENTFORGE_ADMIN_KEY")
                    .hasMessageNotContaining("secret'");
        }
    }

    @Nested
    class Revocation {

        @Test
        void aRevocationIsAnnouncedOnceAndOnlyForAnActiveKey() {
            List<String> announced = new java.util.ArrayList<>();
            ApiKeyService keys = new ApiKeyService(
                    store,
                    clock,
                    new SecurityProperties(true, null, List.of(), Duration.ofSeconds(5), null),
                    (keyId, at) -> announced.add(keyId + "@" + at));
            ApiKeyCreated created = keys.create(new ApiKeyRequest("ui", Set.of(Role.CLIENT)));

            assertThat(keys.revoke(created.keyId())).isTrue();
            assertThat(keys.revoke(created.keyId())).isFalse();
            assertThat(keys.revoke("unknown01")).isFalse();

            assertThat(announced).containsExactly(created.keyId() + "@" + clock.instant());
        }

        @Test
        void scopesAndTheRevocationOfAConfiguredKeySurviveARestartOnPostgres() {
            javax.sql.DataSource dataSource = io.agentforge.registry.support.TestPostgres.dataSource(
                    io.agentforge.registry.support.TestPostgres.newDatabaseUrl());
            org.flywaydb.core.Flyway.configure().dataSource(dataSource).load().migrate();
            JdbcApiKeyStore jdbc = new JdbcApiKeyStore(dataSource);
            String agent = "af_agent000001_agent-secret-0123456789";
            SecurityProperties configured = new SecurityProperties(
                    true,
                    "af_configured1_abcdefghijklmnopqrstuvwxyz",
                    List.of("agent:service:services=agent;kinds=agent:" + agent),
                    Duration.ofSeconds(5),
                    null);
            ApiKeyService keys = new ApiKeyService(jdbc, clock, configured);
            bootstrap(keys);
            ApiKeyCreated tool = keys.create(new ApiKeyRequest("calc", Set.of(Role.SERVICE), List.of("calc-*"), null));

            assertThat(new ApiKeyService(jdbc, clock, configured).authenticate(tool.key()))
                    .get()
                    .satisfies(p -> {
                        assertThat(p.services()).containsExactly("calc-*");
                        assertThat(p.kinds()).containsExactly(ServiceKind.TOOL);
                    });
            assertThat(keys.authenticate(agent))
                    .get()
                    .satisfies(p -> assertThat(p.kinds()).containsExactly(ServiceKind.AGENT));
            keys.revoke("agent000001");

            ApiKeyService restarted = new ApiKeyService(jdbc, clock, configured);
            bootstrap(restarted);

            assertThat(restarted.authenticate(agent)).isEmpty();
            assertThat(restarted.list())
                    .filteredOn(k -> k.keyId().equals("agent000001"))
                    .singleElement()
                    .satisfies(k -> {
                        assertThat(k.revokedAt()).isNotNull();
                        assertThat(k.services()).containsExactly("agent");
                    });
        }
    }

    @Nested
    class Authentication {

        @Test
        void aCreatedKeyAuthenticatesWithItsRolesUntilRevoked() {
            ApiKeyService keys = service(null);
            ApiKeyCreated created = keys.create(new ApiKeyRequest("tool", Set.of(Role.SERVICE), List.of("tool"), null));

            assertThat(keys.authenticate(created.key()))
                    .get()
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
            assertThat(keys.authenticate("af_" + created.keyId() + "_" + "A".repeat(43)))
                    .isEmpty();
        }
    }

    /** The key store's database goes away: keys the store confirmed lately keep working, nothing else does. */
    @Nested
    class DatabaseOutage {

        private final UnreachableStore outage = new UnreachableStore(store);
        private final ApiKeyService keys = new ApiKeyService(
                outage,
                clock,
                new SecurityProperties(true, null, List.of(), Duration.ofSeconds(5), Duration.ofMinutes(15)));

        private ApiKeyCreated serviceKey() {
            return keys.create(new ApiKeyRequest("tool", Set.of(Role.SERVICE), List.of("tool"), null));
        }

        @Test
        void aKeyTheStoreConfirmedIsAcceptedUntilMaxStaleAfterThatConfirmation() {
            ApiKeyCreated created = serviceKey();
            assertThat(keys.authenticate(created.key())).isPresent();
            outage.down = true;

            clock.advance(Duration.ofSeconds(6));
            assertThat(keys.authenticate(created.key()))
                    .get()
                    .satisfies(p -> assertThat(p.has(Role.SERVICE)).isTrue());
            clock.advance(Duration.ofMinutes(14));
            assertThat(keys.active(created.keyId())).isPresent();

            clock.advance(Duration.ofMinutes(1));
            assertThatThrownBy(() -> keys.authenticate(created.key()))
                    .isInstanceOf(DataAccessResourceFailureException.class);
        }

        @Test
        void theStoreIsAskedAgainOncePerTtlNotOncePerRequest() {
            ApiKeyCreated created = serviceKey();
            keys.authenticate(created.key());
            outage.down = true;
            clock.advance(Duration.ofSeconds(6));
            int before = outage.finds;

            for (int i = 0; i < 3; i++) {
                assertThat(keys.authenticate(created.key())).isPresent();
            }
            assertThat(outage.finds - before).isEqualTo(1);

            clock.advance(Duration.ofSeconds(6));
            assertThat(keys.authenticate(created.key())).isPresent();
            assertThat(outage.finds - before).isEqualTo(2);
        }

        @Test
        void aKeyNeverLookedUpOrLastSeenAsUnknownIsNotAcceptedWithoutTheStore() {
            ApiKeyCreated neverLookedUp = serviceKey();
            String unknown = "af_unknownkey1_unknown-secret-0123456789";
            assertThat(keys.authenticate(unknown)).isEmpty();
            outage.down = true;
            clock.advance(Duration.ofSeconds(6));

            assertThatThrownBy(() -> keys.authenticate(neverLookedUp.key()))
                    .isInstanceOf(DataAccessResourceFailureException.class);
            assertThatThrownBy(() -> keys.authenticate(unknown)).isInstanceOf(DataAccessResourceFailureException.class);
        }

        @Test
        void aKeyLastSeenRevokedStaysRefused() {
            ApiKeyCreated created = serviceKey();
            keys.revoke(created.keyId());
            assertThat(keys.authenticate(created.key())).isEmpty();
            outage.down = true;
            clock.advance(Duration.ofSeconds(6));

            assertThat(keys.authenticate(created.key())).isEmpty();
        }

        @Test
        void aRevocationMadeDuringTheOutageCountsOnceTheStoreAnswersAgain() {
            ApiKeyCreated created = serviceKey();
            keys.authenticate(created.key());
            outage.down = true;
            // Another replica, still connected, revokes the key.
            store.revoke(created.keyId(), clock.instant());
            clock.advance(Duration.ofSeconds(6));
            assertThat(keys.authenticate(created.key())).isPresent();

            outage.down = false;
            clock.advance(Duration.ofSeconds(6));
            assertThat(keys.authenticate(created.key())).isEmpty();
        }

        @Test
        void otherStoreFailuresAreNotMaskedByTheCache() {
            ApiKeyCreated created = serviceKey();
            keys.authenticate(created.key());
            outage.failure = new IllegalStateException("a bug, not an outage");
            clock.advance(Duration.ofSeconds(6));

            assertThatThrownBy(() -> keys.authenticate(created.key())).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void noStalenessAllowedRefusesAsSoonAsTheTtlRunsOut() {
            ApiKeyService strict = new ApiKeyService(
                    outage, clock, new SecurityProperties(true, null, List.of(), Duration.ofSeconds(5), Duration.ZERO));
            ApiKeyCreated created =
                    strict.create(new ApiKeyRequest("tool", Set.of(Role.SERVICE), List.of("tool"), null));
            assertThat(strict.authenticate(created.key())).isPresent();
            outage.down = true;
            clock.advance(Duration.ofSeconds(6));

            assertThatThrownBy(() -> strict.authenticate(created.key()))
                    .isInstanceOf(DataAccessResourceFailureException.class);
        }
    }

    /** A key store whose lookups fail as a JDBC store's do when its database can't be reached. */
    private static final class UnreachableStore implements ApiKeyStore {

        private final ApiKeyStore delegate;
        private volatile boolean down;
        private volatile RuntimeException failure;
        private int finds;

        UnreachableStore(ApiKeyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public void save(ApiKey key) {
            delegate.save(key);
        }

        @Override
        public Optional<ApiKey> find(String keyId) {
            finds++;
            if (failure != null) {
                throw failure;
            }
            if (down) {
                throw new CannotGetJdbcConnectionException(
                        "Failed to obtain JDBC Connection", new SQLTransientConnectionException("timed out"));
            }
            return delegate.find(keyId);
        }

        @Override
        public List<ApiKey> list() {
            return delegate.list();
        }

        @Override
        public boolean revoke(String keyId, Instant at) {
            return delegate.revoke(keyId, at);
        }
    }
}
