package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.testsupport.MutableClock;
import io.agentforge.testsupport.ToolStub;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FunctionInvokerTests {

    private static final String FUNCTION = "calculator_evaluate";
    private static final String CALLER_KEY = "af_caller0001_" + "c".repeat(32);
    private static final String USER_KEY = "af_user00001_" + "u".repeat(32);
    /** Loopback allowed: the stubs listen on 127.0.0.1. */
    private static final OutboundPolicy LOOPBACK = new OutboundPolicy(true, false, List.of());

    private static final String OK = "{\"value\":\"3\"}";

    private final MutableClock clock = new MutableClock();
    private final FakeRegistryClient registry = new FakeRegistryClient(clock);
    private final DiscoveryCache discovery = new DiscoveryCache(
            registry, new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 0), Duration.ofMinutes(1), clock);
    private final List<ToolStub> stubs = new ArrayList<>();
    private FunctionInvoker invoker;
    private AccessTokens tokens = (audience, subject) ->
            "jwt-for-" + audience + "-" + (subject == null ? "self" : TokenEndpointStub.keyId(subject));
    private OutboundPolicy policy = LOOPBACK;
    private InvokerSettings settings = SETTINGS;

    /** Breakers judge 4 calls, open from 2 at 50 % failures, for a minute. */
    private static final InvokerSettings SETTINGS =
            new InvokerSettings(Duration.ofSeconds(1), Duration.ofSeconds(5), 3, 4, 2, 50, Duration.ofMinutes(1));

    private ToolStub stub(int status, String body) {
        ToolStub stub = ToolStub.answering(status, body);
        stubs.add(stub);
        return stub;
    }

    /** Publishes a catalog whose calculator has these endpoints (in this order) and starts the invoker. */
    private void tool(String... endpoints) throws InterruptedException {
        List<CatalogEndpoint> instances = new ArrayList<>();
        for (int i = 0; i < endpoints.length; i++) {
            instances.add(new CatalogEndpoint("calc-" + (i + 1), endpoints[i], Map.of()));
        }
        registry.catalog = new Catalog(
                1,
                List.of(new CatalogFunction(FUNCTION, "Evaluate", Map.of("type", "object"), null, "calculator")),
                List.of(new CatalogService("calculator", "1.0.0", "Calc", instances)),
                Map.of(FUNCTION, "calculator"));
        discovery.start();
        assertThat(discovery.awaitCatalog(Duration.ofSeconds(10))).isTrue();
        invoker = new FunctionInvoker(discovery, settings, tokens, policy, clock);
    }

    private JsonNode call() {
        return invoker.invoke(FUNCTION, Map.of("expression", "1+2"), USER_KEY);
    }

    @AfterEach
    void close() {
        if (invoker != null) {
            invoker.close();
        }
        discovery.close();
        stubs.forEach(ToolStub::close);
    }

    @Test
    void postsTheArgumentsWithATokenForTheToolsServiceAndReturnsTheResult() throws InterruptedException {
        ToolStub tool = stub(200, OK);
        tool(tool.endpoint());

        JsonNode result = call();

        assertThat(result.path("value").asString()).isEqualTo("3");
        assertThat(tool.lastPath()).isEqualTo("/forge/functions/" + FUNCTION);
        assertThat(tool.lastAuthorization()).isEqualTo("Bearer jwt-for-calculator-user00001");
        assertThat(tool.lastRequestBody()).isEqualTo("{\"expression\":\"1+2\"}");
    }

    @Nested
    class Tokens {

        @Test
        void theExchangedJwtIsSentAndNeverAKey() throws InterruptedException {
            try (TokenEndpointStub registryTokens = new TokenEndpointStub(clock, CALLER_KEY);
                    TokenExchanger exchanger =
                            new TokenExchanger(ForgeClientSettings.of(registryTokens.url(), CALLER_KEY), clock)) {
                tokens = exchanger;
                ToolStub tool = stub(200, OK);
                tool(tool.endpoint());

                call();
                invoker.invoke(FUNCTION, Map.of("expression", "1+2"), null);

                String onBehalf = tool.authorizations().get(0).substring("Bearer ".length());
                String self = tool.authorizations().get(1).substring("Bearer ".length());
                assertThat(tool.authorizations()).noneMatch(a -> a.contains("af_"));
                assertThat(TokenEndpointStub.claims(onBehalf))
                        .containsEntry("aud", List.of("calculator"))
                        .containsEntry("sub", "key:user00001")
                        .containsEntry("act", Map.of("sub", "key:caller0001", "name", "caller"));
                assertThat(TokenEndpointStub.claims(self))
                        .containsEntry("sub", "key:caller0001")
                        .doesNotContainKey("act");
                assertThat(registryTokens.exchanges())
                        .extracting(e -> e.form().get("audience"))
                        .containsOnly("calculator");
            }
        }

        @Test
        void aTokenSourceHandingOutAKeyIsRefusedBeforeAnythingIsSent() throws InterruptedException {
            tokens = (audience, subject) -> CALLER_KEY;
            ToolStub tool = stub(200, OK);
            tool(tool.endpoint());

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOf(ToolUnavailableException.class)
                    .hasMessageContaining("refusing to send a long-lived key");
            assertThat(tool.hits()).isZero();
        }

        @Test
        void noTokenMeansNoCallAndSaysWhy() throws InterruptedException {
            tokens = (audience, subject) -> {
                throw new RegistryException(new Problem(
                        400, TokenExchanger.TOKEN_EXCHANGE_PROBLEM, "invalid_grant", "the subject key is revoked"));
            };
            ToolStub tool = stub(200, OK);
            tool(tool.endpoint());

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOfSatisfying(ToolUnavailableException.class, e -> {
                        assertThat(e.getMessage())
                                .contains("No token for calling calculator")
                                .contains("the subject key is revoked");
                        assertThat(e.getCause()).isInstanceOf(RegistryException.class);
                    });
            assertThat(tool.hits()).isZero();
        }
    }

    @Nested
    class Policy {

        @Test
        void aRefusedEndpointIsNeverCalled() throws InterruptedException {
            policy = OutboundPolicy.strict();
            ToolStub tool = stub(200, OK);
            tool(tool.endpoint());

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOf(ToolUnavailableException.class)
                    .hasMessageContaining("Refused to call " + tool.endpoint())
                    .hasMessageContaining("a loopback address (allow it with allow-loopback)");
            assertThat(tool.hits()).isZero();
        }

        @Test
        void aRefusedInstanceIsSkippedForAnAllowedOne() throws InterruptedException {
            ToolStub tool = stub(200, OK);
            tool("http://169.254.169.254", tool.endpoint());

            for (int i = 0; i < 3; i++) {
                assertThat(call().path("value").asString()).isEqualTo("3");
            }
            assertThat(tool.hits()).isEqualTo(3);
        }

        @Test
        void redirectsAreNotFollowed() throws InterruptedException {
            ToolStub target = stub(200, OK);
            ToolStub redirecting = ToolStub.answering(307, "application/json", "{}");
            redirecting.header("Location", target.endpoint() + "/forge/functions/" + FUNCTION);
            stubs.add(redirecting);
            tool(redirecting.endpoint());

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOfSatisfying(
                            ToolInvocationException.class,
                            e -> assertThat(e.status()).isEqualTo(307));
            assertThat(target.hits()).isZero();
        }
    }

    @Nested
    class ResponseSize {

        @Test
        void anAnswerAboveTheLimitIsRefused() throws InterruptedException {
            settings = SETTINGS.withMaxResponseSize(1024);
            ToolStub tool = stub(200, "{\"value\":\"" + "9".repeat(2000) + "\"}");
            tool(tool.endpoint());

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOfSatisfying(ToolInvocationException.class, e -> {
                        assertThat(e.problem().type()).hasToString("urn:agentforge:problem:response-too-large");
                        assertThat(e.problem().detail()).contains("1024 bytes");
                    });
            assertThat(tool.hits()).isEqualTo(1);
        }

        @Test
        void aStreamedAnswerWithoutLengthAboveTheLimitIsRefused() throws InterruptedException {
            settings = SETTINGS.withMaxResponseSize(1024);
            ToolStub tool = stub(200, "{\"value\":\"" + "9".repeat(5000) + "\"}");
            tool.chunked();
            tool(tool.endpoint());

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOfSatisfying(
                            ToolInvocationException.class,
                            e -> assertThat(e.problem().is("response-too-large"))
                                    .isTrue());
        }

        @Test
        void anAnswerAtTheLimitIsRead() throws InterruptedException {
            String body = "{\"value\":\"" + "9".repeat(1024 - 12) + "\"}";
            assertThat(body).hasSize(1024);
            settings = SETTINGS.withMaxResponseSize(1024);
            ToolStub tool = stub(200, body);
            tool(tool.endpoint());

            assertThat(call().path("value").asString()).hasSize(1012);
        }

        @Test
        void theDefaultLimitIsOneMebibyte() {
            assertThat(InvokerSettings.defaults().maxResponseSize()).isEqualTo(1024 * 1024);
        }
    }

    @Test
    void roundRobinSpreadsCallsOverTheUpInstances() throws InterruptedException {
        ToolStub first = stub(200, OK);
        ToolStub second = stub(200, OK);
        tool(first.endpoint(), second.endpoint());

        for (int i = 0; i < 6; i++) {
            call();
        }

        assertThat(first.hits()).isEqualTo(3);
        assertThat(second.hits()).isEqualTo(3);
    }

    @Nested
    class Failover {

        @Test
        void aServerErrorMovesTheCallToAnotherInstance() throws InterruptedException {
            ToolStub failing = stub(503, "{\"title\":\"overloaded\"}");
            ToolStub healthy = stub(200, OK);
            tool(failing.endpoint(), healthy.endpoint());

            assertThat(call().path("value").asString()).isEqualTo("3");
            assertThat(call().path("value").asString()).isEqualTo("3");

            assertThat(failing.hits()).isEqualTo(1);
            assertThat(healthy.hits()).isEqualTo(2);
        }

        @Test
        void theCallersObservationLearnsTheInstanceThatRanTheCallAndTheAttempts() throws InterruptedException {
            ToolStub failing = stub(503, "{\"title\":\"overloaded\"}");
            ToolStub healthy = stub(200, OK);
            tool(failing.endpoint(), healthy.endpoint());
            ObservationRegistry observations = ObservationRegistry.create();
            List<String> attempts = new java.util.concurrent.CopyOnWriteArrayList<>();
            observations.observationConfig().observationHandler(new ObservationHandler<>() {
                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }

                @Override
                public void onStop(Observation.Context context) {
                    if (context.getName().equals("agentforge.client.function.calls")) {
                        attempts.add(context.getLowCardinalityKeyValue("instance")
                                        .getValue() + " "
                                + context.getLowCardinalityKeyValue("outcome").getValue());
                    }
                }
            });
            invoker.close();
            invoker = new FunctionInvoker(discovery, settings, tokens, policy, clock, observations);
            Observation toolCall = Observation.createNotStarted("execute_tool", observations);

            toolCall.observe(FunctionInvokerTests.this::call);

            assertThat(attempts).containsExactly("calc-1 SERVER_ERROR", "calc-2 SUCCESS");
            assertThat(toolCall.getContext()
                            .getHighCardinalityKeyValue("agentforge.tool.instance")
                            .getValue())
                    .isEqualTo("calc-2");
            assertThat(toolCall.getContext()
                            .getHighCardinalityKeyValue("agentforge.tool.attempts")
                            .getValue())
                    .isEqualTo("2");
        }

        @Test
        void aRefusedConnectionMovesTheCallToAnotherInstance() throws InterruptedException {
            ToolStub healthy = stub(200, OK);
            tool(ToolStub.refusedEndpoint(), healthy.endpoint());

            for (int i = 0; i < 4; i++) {
                assertThat(call().path("value").asString()).isEqualTo("3");
            }
            assertThat(healthy.hits()).isEqualTo(4);
        }

        @Test
        void anInstanceThatKeepsFailingIsSkippedUntilItsCircuitLetsATrialThrough() throws InterruptedException {
            ToolStub failing = stub(500, "");
            ToolStub healthy = stub(200, OK);
            tool(failing.endpoint(), healthy.endpoint());

            for (int i = 0; i < 4; i++) {
                call();
            }
            assertThat(invoker.circuitState("calc-1")).hasValue(CircuitBreaker.State.OPEN);
            int failingHits = failing.hits();
            for (int i = 0; i < 6; i++) {
                call();
            }
            assertThat(failing.hits()).isEqualTo(failingHits);
            assertThat(healthy.hits()).isEqualTo(10);

            failing.answer(200, OK);
            clock.advance(Duration.ofMinutes(2));
            for (int i = 0; i < 4; i++) {
                call();
            }
            assertThat(failing.hits()).isGreaterThan(failingHits);
            assertThat(invoker.circuitState("calc-1")).hasValue(CircuitBreaker.State.CLOSED);
        }

        @Test
        void attemptsAreBounded() throws InterruptedException {
            List<ToolStub> failing = new ArrayList<>();
            List<String> endpoints = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ToolStub stub = stub(502, "bad gateway");
                failing.add(stub);
                endpoints.add(stub.endpoint());
            }
            tool(endpoints.toArray(String[]::new));

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOfSatisfying(ToolUnavailableException.class, e -> {
                        assertThat(e.function()).isEqualTo(FUNCTION);
                        assertThat(e.getMessage()).contains("HTTP 502");
                    });
            assertThat(failing.stream().mapToInt(ToolStub::hits).sum()).isEqualTo(SETTINGS.maxAttempts());
        }

        @Test
        void whenEveryCircuitIsOpenNothingIsCalled() throws InterruptedException {
            ToolStub failing = stub(500, "");
            tool(failing.endpoint());
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(FunctionInvokerTests.this::call).isInstanceOf(ToolUnavailableException.class);
            }
            int hits = failing.hits();

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOf(ToolUnavailableException.class)
                    .hasMessageContaining("circuit open");
            assertThat(failing.hits()).isEqualTo(hits);
        }
    }

    @Nested
    class Refusals {

        @Test
        void aClientErrorCarriesTheToolsProblemAndIsNotRetried() throws InterruptedException {
            ToolStub refusing = ToolStub.answering(422, "application/problem+json", """
                    {"type":"urn:agentforge:problem:invalid-arguments","title":"Invalid arguments","status":422,
                     "detail":"expression: unexpected ')' at 3"}""");
            stubs.add(refusing);
            ToolStub other = stub(200, OK);
            tool(refusing.endpoint(), other.endpoint());

            assertThatThrownBy(FunctionInvokerTests.this::call)
                    .isInstanceOfSatisfying(ToolInvocationException.class, e -> {
                        assertThat(e.status()).isEqualTo(422);
                        assertThat(e.instanceId()).isEqualTo("calc-1");
                        assertThat(e.problem().is("invalid-arguments")).isTrue();
                        assertThat(e.problem().detail()).isEqualTo("expression: unexpected ')' at 3");
                    });
            assertThat(refusing.hits()).isEqualTo(1);
            assertThat(other.hits()).isZero();
            assertThat(invoker.circuitState("calc-1")).hasValue(CircuitBreaker.State.CLOSED);
        }

        @Test
        void anUnknownFunctionIsUnavailable() throws InterruptedException {
            tool(stub(200, OK).endpoint());

            assertThatThrownBy(() -> invoker.invoke("weather_now", Map.of(), USER_KEY))
                    .isInstanceOfSatisfying(
                            ToolUnavailableException.class,
                            e -> assertThat(e.function()).isEqualTo("weather_now"));
        }

        @Test
        void nullArgumentsAreSentAsAnEmptyObjectAndNoSubjectAsTheCallersOwnToken() throws InterruptedException {
            ToolStub tool = stub(200, "");
            tool(tool.endpoint());

            JsonNode result = invoker.invoke(FUNCTION, (Map<String, ?>) null, null);

            assertThat(result.isNull()).isTrue();
            assertThat(tool.lastRequestBody()).isEqualTo("{}");
            assertThat(tool.lastAuthorization()).isEqualTo("Bearer jwt-for-calculator-self");
        }

        @Test
        void nestedArgumentsKeepTheirShape() throws InterruptedException {
            ToolStub tool = stub(200, OK);
            tool(tool.endpoint());
            Map<String, Object> arguments = new LinkedHashMap<>();
            arguments.put("list", List.of(1, 2));
            arguments.put("nested", Map.of("a", true));

            invoker.invoke(FUNCTION, arguments, USER_KEY);

            assertThat(tool.lastRequestBody()).isEqualTo("{\"list\":[1,2],\"nested\":{\"a\":true}}");
        }
    }
}
