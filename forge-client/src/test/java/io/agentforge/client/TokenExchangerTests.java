package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.agentforge.testsupport.MutableClock;
import io.agentforge.testsupport.ToolStub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TokenExchangerTests {

    static final String OWN_KEY = "af_agent001_" + "a".repeat(32);
    static final String ALICE_KEY = "af_alice001_" + "b".repeat(32);
    static final String BOB_KEY = "af_bob00001_" + "c".repeat(32);

    private final MutableClock clock = new MutableClock();
    private final TokenEndpointStub registry = new TokenEndpointStub(clock, OWN_KEY);
    private final TokenExchanger tokens = new TokenExchanger(ForgeClientSettings.of(registry.url(), OWN_KEY), clock);

    @AfterEach
    void close() {
        tokens.close();
        registry.close();
    }

    @Nested
    class Exchange {

        @Test
        void postsAnRfc8693FormAuthenticatedWithTheOwnKey() {
            String token = tokens.token("calculator", ALICE_KEY);

            TokenEndpointStub.Exchange exchange = registry.exchanges().getFirst();
            assertThat(exchange.authorization()).isEqualTo("Bearer " + OWN_KEY);
            assertThat(exchange.contentType()).isEqualTo("application/x-www-form-urlencoded");
            assertThat(exchange.form())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange",
                            "audience", "calculator",
                            "subject_token", ALICE_KEY,
                            "subject_token_type", "urn:ietf:params:oauth:token-type:access_token"));
            Map<String, Object> claims = TokenEndpointStub.claims(token);
            assertThat(claims).containsEntry("sub", "key:alice001").containsEntry("aud", List.of("calculator"));
            assertThat(claims.get("act")).isEqualTo(Map.of("sub", "key:agent001", "name", "caller"));
        }

        @Test
        void withoutASubjectTheOwnKeyIsTheSubject() {
            String token = tokens.token("calculator", null);

            assertThat(registry.exchanges().getFirst().form()).containsEntry("subject_token", OWN_KEY);
            assertThat(TokenEndpointStub.claims(token))
                    .containsEntry("sub", "key:agent001")
                    .doesNotContainKey("act");
        }

        @Test
        void anOAuthErrorIsARegistryProblemThatIsNotTransient() {
            registry.fail(
                    400,
                    "{\"error\":\"invalid_target\",\"error_description\":\"'weather' is not an owned"
                            + " service name\"}");

            assertThatThrownBy(() -> tokens.token("weather", null))
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e.isTransient()).isFalse();
                        assertThat(e.problem().type()).isEqualTo(TokenExchanger.TOKEN_EXCHANGE_PROBLEM);
                        assertThat(e.problem().title()).isEqualTo("invalid_target");
                        assertThat(e.problem().detail())
                                .contains("audience 'weather'")
                                .contains("not an owned service name");
                    });
        }

        @Test
        void aServerErrorIsTransient() {
            registry.fail(503, "{\"error\":\"temporarily_unavailable\"}");

            assertThatThrownBy(() -> tokens.token("calculator", null))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.isTransient()).isTrue());
        }

        @Test
        void anUnreachableRegistryIsTransientAndNamesNoSecret() {
            TokenExchanger nowhere =
                    new TokenExchanger(ForgeClientSettings.of(ToolStub.refusedEndpoint(), OWN_KEY), clock);

            assertThatThrownBy(() -> nowhere.token("calculator", ALICE_KEY))
                    .isInstanceOfSatisfying(RegistryUnreachableException.class, e -> {
                        assertThat(e.isTransient()).isTrue();
                        assertThat(e.getMessage()).doesNotContain(OWN_KEY).doesNotContain(ALICE_KEY);
                    });
            nowhere.close();
        }

        @Test
        void anAnswerWithoutAJwtIsRefused() {
            registry.fail(200, "{\"access_token\":\"" + OWN_KEY + "\",\"expires_in\":300}");

            assertThatThrownBy(() -> tokens.token("calculator", null))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.problem().type()).isEqualTo(Problem.INVALID_RESPONSE));
        }

        @Test
        void anAudienceThatIsNoServiceNameIsRefusedBeforeAsking() {
            assertThatThrownBy(() -> tokens.token("Not a name", null)).isInstanceOf(IllegalArgumentException.class);
            assertThat(registry.exchanges()).isEmpty();
        }
    }

    @Nested
    class Caching {

        @Test
        void aTokenIsReusedPerAudienceAndSubject() {
            String first = tokens.token("calculator", ALICE_KEY);

            assertThat(tokens.token("calculator", ALICE_KEY)).isEqualTo(first);
            assertThat(tokens.token("calculator", BOB_KEY)).isNotEqualTo(first);
            assertThat(tokens.token("weather", ALICE_KEY)).isNotEqualTo(first);
            assertThat(tokens.token("calculator", null)).isNotEqualTo(first);
            assertThat(registry.exchanges()).hasSize(4);
        }

        @Test
        void theOwnKeyAsSubjectIsTheSameAsNoSubject() {
            String self = tokens.token("calculator", null);

            assertThat(tokens.token("calculator", OWN_KEY)).isEqualTo(self);
            assertThat(registry.exchanges()).hasSize(1);
        }

        @Test
        void aTokenIsRefreshedSixtySecondsBeforeItExpires() {
            String first = tokens.token("calculator", null);

            clock.advance(Duration.ofMinutes(4).minusSeconds(1));
            assertThat(tokens.token("calculator", null)).isEqualTo(first);
            clock.advance(Duration.ofSeconds(1));
            String second = tokens.token("calculator", null);

            assertThat(second).isNotEqualTo(first);
            assertThat(registry.exchanges()).hasSize(2);
        }

        @Test
        void withoutAnExpClaimExpiresInCounts() {
            registry.withoutExpClaim();
            registry.ttl(Duration.ofSeconds(120));
            String first = tokens.token("calculator", null);

            clock.advance(Duration.ofSeconds(59));
            assertThat(tokens.token("calculator", null)).isEqualTo(first);
            clock.advance(Duration.ofSeconds(1));
            assertThat(tokens.token("calculator", null)).isNotEqualTo(first);
        }

        @Test
        void aShortLivedTokenIsReusedForHalfItsLife() {
            registry.ttl(Duration.ofSeconds(40));
            String first = tokens.token("calculator", null);

            clock.advance(Duration.ofSeconds(19));
            assertThat(tokens.token("calculator", null)).isEqualTo(first);
            clock.advance(Duration.ofSeconds(1));
            assertThat(tokens.token("calculator", null)).isNotEqualTo(first);
        }

        @Test
        void whileTheRegistryIsDownAStillValidTokenIsUsedPastItsRefreshPoint() {
            String first = tokens.token("calculator", null);
            registry.fail(503, "{\"error\":\"server_error\"}");

            clock.advance(Duration.ofMinutes(4).plusSeconds(30));
            assertThat(tokens.token("calculator", null)).isEqualTo(first);

            clock.advance(Duration.ofSeconds(30));
            assertThatThrownBy(() -> tokens.token("calculator", null)).isInstanceOf(RegistryException.class);
        }

        @Test
        void aRefusalIsNotHiddenByAStillValidToken() {
            tokens.token("calculator", ALICE_KEY);
            registry.fail(400, "{\"error\":\"invalid_grant\",\"error_description\":\"the subject key is revoked\"}");

            clock.advance(Duration.ofMinutes(4).plusSeconds(30));
            assertThatThrownBy(() -> tokens.token("calculator", ALICE_KEY))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.status()).isEqualTo(400));
        }

        @Test
        void theCacheIsBounded() {
            TokenExchanger small = new TokenExchanger(ForgeClientSettings.of(registry.url(), OWN_KEY), 2, clock);
            small.token("calculator", null);
            small.token("weather", null);
            small.token("search", null);

            assertThat(small.size()).isEqualTo(2);
            small.token("search", null);
            small.token("calculator", null);
            assertThat(registry.exchanges()).hasSize(4);
            small.close();
        }

        @Test
        void concurrentRequestsForOneTokenShareOneExchange() throws InterruptedException {
            CountDownLatch release = registry.hold();
            List<String> answers = new CopyOnWriteArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                threads.add(Thread.ofPlatform().start(() -> answers.add(tokens.token("calculator", ALICE_KEY))));
            }
            // Every caller is parked (one in the exchange, the others waiting for it) before the answer comes.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> threads.stream()
                                    .allMatch(t -> t.getState() == Thread.State.WAITING
                                            || t.getState() == Thread.State.TIMED_WAITING)
                            && !registry.exchanges().isEmpty());
            release.countDown();
            for (Thread thread : threads) {
                thread.join(10_000);
            }

            assertThat(answers).hasSize(8).containsOnly(answers.getFirst());
            assertThat(registry.exchanges()).hasSize(1);
        }
    }

    @Nested
    class Forget {

        @Test
        void forgettingTheSubjectsKeyDropsItsTokensOnly() {
            String alice = tokens.token("calculator", ALICE_KEY);
            String bob = tokens.token("calculator", BOB_KEY);

            tokens.forget("alice001");

            assertThat(tokens.token("calculator", ALICE_KEY)).isNotEqualTo(alice);
            assertThat(tokens.token("calculator", BOB_KEY)).isEqualTo(bob);
        }

        @Test
        void forgettingAKeyInTheActorChainDropsTheTokensItActsIn() {
            String subjectJwt = fakeJwt("{\"sub\":\"jwt:carol\",\"act\":{\"sub\":\"key:console01\"}}");
            String viaConsole = tokens.token("calculator", subjectJwt);
            String alice = tokens.token("calculator", ALICE_KEY);

            tokens.forget("console01");

            assertThat(tokens.token("calculator", subjectJwt)).isNotEqualTo(viaConsole);
            assertThat(tokens.token("calculator", ALICE_KEY)).isEqualTo(alice);
        }

        @Test
        void forgettingTheOwnKeyDropsEveryToken() {
            tokens.token("calculator", ALICE_KEY);
            tokens.token("weather", null);

            tokens.forget("agent001");

            assertThat(tokens.size()).isZero();
        }

        @Test
        void anUnknownKeyChangesNothing() {
            tokens.token("calculator", ALICE_KEY);

            tokens.forget("zzzz9999");
            tokens.forget(null);

            assertThat(tokens.size()).isEqualTo(1);
        }
    }

    @Test
    void claimsAreReadFromTheNestedActorChain() {
        TokenExchanger.Claims claims = TokenExchanger.Claims.of(
                fakeJwt(
                        "{\"sub\":\"key:a1\",\"exp\":1900000000,\"act\":{\"sub\":\"key:b2\",\"act\":{\"sub\":\"key:c3\"}}}"),
                HttpRegistryClient.mapper());

        assertThat(claims.keyIds()).containsExactlyInAnyOrder("a1", "b2", "c3");
        assertThat(claims.exp().getEpochSecond()).isEqualTo(1900000000L);
        assertThat(TokenExchanger.Claims.of("not-a-jwt", HttpRegistryClient.mapper()))
                .isEqualTo(TokenExchanger.Claims.NONE);
    }

    static String fakeJwt(String payload) {
        java.util.Base64.Encoder encoder = java.util.Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"ES256\"}".getBytes()) + "."
                + encoder.encodeToString(payload.getBytes()) + ".c2ln";
    }
}
