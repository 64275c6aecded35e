package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.SearchMode;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.testsupport.ToolStub;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The HTTP mapping of the client against a stand-in registry; the real one is exercised in forge-e2e. */
class HttpRegistryClientTests {

    private static final String KEY = ForgeClientSettingsTests.KEY;
    private static final String INSTANCE_JSON = """
            {"instanceId":"calc-1","name":"calculator","kind":"TOOL","version":"1.0.0","endpoint":"http://10.0.0.5:8083",
             "capabilities":["math"],"metadata":{},"functions":[],"status":"UP","leaseDuration":"30s",
             "registeredAt":"2030-01-01T00:00:00Z","lastRenewal":"2030-01-01T00:00:00Z",
             "expiresAt":"2030-01-01T00:00:30Z","someFutureField":true}""";

    private final Map<String, Handler> routes = new ConcurrentHashMap<>();
    private final BlockingQueue<String> authorizations = new LinkedBlockingQueue<>();
    private HttpServer server;
    private HttpRegistryClient client;

    interface Handler {
        void handle(HttpExchange exchange) throws IOException, InterruptedException;
    }

    @BeforeEach
    void startRegistryStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            Handler handler = routes.get(
                    exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            try {
                if (handler == null) {
                    respond(exchange, 404, "application/problem+json", """
                            {"type":"urn:agentforge:problem:not-found","title":"Not found","status":404,
                             "detail":"no route"}""");
                } else {
                    handler.handle(exchange);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        client = new HttpRegistryClient(new ForgeClientSettings(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                KEY,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (contentType != null) {
            exchange.getResponseHeaders().add("Content-Type", contentType);
        }
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    @Nested
    class Requests {

        @Test
        void sendTheKeyAsBearerAndReadTheAnswerIgnoringUnknownFields() throws InterruptedException {
            routes.put("GET /api/v1/instances/calc-1", ex -> respond(ex, 200, "application/json", INSTANCE_JSON));

            var instance = client.instance("calc-1");

            assertThat(instance).hasValueSatisfying(i -> {
                assertThat(i.name()).isEqualTo("calculator");
                assertThat(i.leaseDuration()).isEqualTo(Duration.ofSeconds(30));
            });
            assertThat(authorizations.poll(1, TimeUnit.SECONDS)).isEqualTo("Bearer " + KEY);
        }

        @Test
        void registerPostsTheRegistration() {
            routes.put("POST /api/v1/instances", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(body).contains("\"leaseDuration\":\"30s\"").contains("\"name\":\"calculator\"");
                respond(ex, 201, "application/json", INSTANCE_JSON);
            });

            var instance = client.register(new ServiceRegistration(
                    "calc-1",
                    "calculator",
                    ServiceKind.TOOL,
                    "1.0.0",
                    null,
                    "http://10.0.0.5:8083",
                    List.of("math"),
                    Map.of(),
                    List.of(),
                    null,
                    null));

            assertThat(instance.instanceId()).isEqualTo("calc-1");
        }

        @Test
        void anUnknownInstanceIsEmptyAndItsDeregistrationFalse() {
            assertThat(client.instance("ghost")).isEmpty();
            assertThat(client.deregister("ghost")).isFalse();
        }

        @Test
        void searchSendsTheEncodedQueryAndFiltersAndReadsTheMatches() {
            BlockingQueue<String> queries = new LinkedBlockingQueue<>();
            routes.put("GET /api/v1/catalog/search", ex -> {
                queries.add(ex.getRequestURI().getRawQuery());
                respond(ex, 200, "application/json", """
                        {"eventId":7,"query":"compute (3+4)*2","mode":"lexical","pendingEmbeddings":2,"matches":[
                         {"name":"calculator_evaluate","service":"calculator","description":"Evaluates","inputSchema":
                          {"type":"object"},"outputSchema":null,"score":0.9,"lexicalScore":3.1,"semanticScore":null,
                          "someFutureField":1}]}""");
            });

            var result = client.searchFunctions(FunctionSearch.of(" compute (3+4)*2 ", 3)
                    .withCapability("math")
                    .withKind(ServiceKind.TOOL)
                    .withMode(SearchMode.LEXICAL));

            assertThat(queries.poll()).isEqualTo("q=compute+%283%2B4%29*2&k=3&kind=TOOL&capability=math&mode=lexical");
            assertThat(result.mode()).isEqualTo(SearchMode.LEXICAL);
            assertThat(result.pendingEmbeddings()).isEqualTo(2);
            assertThat(result.matches()).singleElement().satisfies(match -> {
                assertThat(match.name()).isEqualTo("calculator_evaluate");
                assertThat(match.semanticScore()).isNull();
                assertThat(match.inputSchema()).containsEntry("type", "object");
            });
        }

        @Test
        void aSearchTheRegistryWouldRefuseIsRefusedBeforeSending() {
            assertThatThrownBy(() -> client.searchFunctions(" ", 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("query is required");
            assertThatThrownBy(() -> client.searchFunctions("add", 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("k must be between 1 and 100, was 0");
            assertThatThrownBy(() -> client.searchFunctions("a".repeat(1001), 5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 1000");
            assertThatThrownBy(() -> FunctionSearch.of("add", 5).withCapability("NOT OK"))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aRefusedSearchCarriesTheRegistrysProblem() {
            routes.put("GET /api/v1/catalog/search", ex -> respond(ex, 400, "application/problem+json", """
                    {"type":"urn:agentforge:problem:validation","title":"Invalid request","status":400,
                     "detail":"q is required: the text to search the catalog for"}"""));

            assertThatThrownBy(() -> client.searchFunctions("add", 5))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.problem().is("validation")).isTrue());
        }

        @Test
        void instanceIdsThatCouldEscapeThePathAreRefused() {
            assertThatThrownBy(() -> client.renew("../keys")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class RenewalSampling {

        static final String SAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        private final List<Observation.Context> observed = new CopyOnWriteArrayList<>();
        private final BlockingQueue<String> traceparents = new LinkedBlockingQueue<>();

        // Stands in for the tracing handler: it writes a sampled traceparent into each observed request.
        private ObservationRegistry tracing() {
            ObservationRegistry registry = ObservationRegistry.create();
            registry.observationConfig().observationHandler(new ObservationHandler<>() {
                @Override
                public boolean supportsContext(Observation.Context context) {
                    return true;
                }

                @Override
                public void onStart(Observation.Context context) {
                    observed.add(context);
                    if (context instanceof HttpObservations.Context sender) {
                        sender.getSetter().set(sender.getCarrier(), "traceparent", SAMPLED);
                    }
                }
            });
            return registry;
        }

        private void renewThreeTimes(double renewalSampling) {
            routes.put("PUT /api/v1/instances/calc-1/lease", ex -> {
                traceparents.add(String.valueOf(ex.getRequestHeaders().getFirst("traceparent")));
                respond(ex, 200, "application/json", """
                        {"instanceId":"calc-1","leaseDuration":"30s","lastRenewal":"2030-01-01T00:00:00Z",
                         "expiresAt":"2030-01-01T00:00:30Z"}""");
            });
            try (HttpRegistryClient sampling = new HttpRegistryClient(
                    new ForgeClientSettings(
                            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                            KEY,
                            Duration.ofSeconds(1),
                            Duration.ofSeconds(5)),
                    tracing(),
                    renewalSampling)) {
                for (int i = 0; i < 3; i++) {
                    assertThat(sampling.renew("calc-1").instanceId()).isEqualTo("calc-1");
                }
            }
        }

        @Test
        void atOneEveryRenewalIsObservedAndCarriesItsTraceContext() {
            renewThreeTimes(1.0);

            assertThat(observed).hasSize(3).allSatisfy(context -> {
                assertThat(context.getName()).isEqualTo("agentforge.registry.client.requests");
                assertThat(context.getLowCardinalityKeyValue("operation").getValue())
                        .isEqualTo("renew");
                assertThat(context.getLowCardinalityKeyValue("status").getValue())
                        .isEqualTo("200");
            });
            assertThat(traceparents).containsExactly(SAMPLED, SAMPLED, SAMPLED);
        }

        @Test
        void atZeroNoRenewalIsObservedAndEachGoesOutNotSampled() {
            renewThreeTimes(0.0);

            assertThat(observed).isEmpty();
            assertThat(traceparents)
                    .hasSize(3)
                    .allSatisfy(header -> assertThat(header).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"));
        }

        @Test
        void aShareOutsideZeroToOneIsRefused() {
            ForgeClientSettings settings = ForgeClientSettings.of("http://127.0.0.1:1", KEY);
            assertThatThrownBy(() -> new HttpRegistryClient(settings, ObservationRegistry.NOOP, 1.5))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("renewalSampling");
        }
    }

    @Nested
    class Errors {

        @Test
        void renewalOfAnUnknownInstanceIsTyped() {
            routes.put("PUT /api/v1/instances/calc-1/lease", ex -> respond(ex, 404, "application/problem+json", """
                    {"type":"urn:agentforge:problem:not-found","title":"Unknown instance","status":404,
                     "detail":"No instance 'calc-1' is registered"}"""));

            assertThatThrownBy(() -> client.renew("calc-1"))
                    .isInstanceOfSatisfying(UnknownInstanceException.class, e -> {
                        assertThat(e.instanceId()).isEqualTo("calc-1");
                        assertThat(e.problem().is("not-found")).isTrue();
                        assertThat(e.problem().title()).isEqualTo("Unknown instance");
                        assertThat(e.status()).isEqualTo(404);
                    });
        }

        @Test
        void aProblemAnswerBecomesARegistryExceptionCarryingIt() {
            routes.put("GET /api/v1/status", ex -> respond(ex, 403, "application/problem+json", """
                    {"type":"urn:agentforge:problem:forbidden","title":"Forbidden","status":403,
                     "detail":"This API key's roles do not allow GET /api/v1/status"}"""));

            assertThatThrownBy(() -> client.status()).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.problem())
                        .isEqualTo(new Problem(
                                403,
                                URI.create("urn:agentforge:problem:forbidden"),
                                "Forbidden",
                                "This API key's roles do not allow GET /api/v1/status"));
                assertThat(e.isTransient()).isFalse();
            });
        }

        @Test
        void aNonProblemErrorKeepsItsTextAsDetail() {
            routes.put("GET /api/v1/status", ex -> respond(ex, 502, "text/plain", "Bad Gateway from proxy"));

            assertThatThrownBy(() -> client.status()).isInstanceOfSatisfying(RegistryException.class, e -> {
                assertThat(e.problem().type()).isEqualTo(Problem.ABOUT_BLANK);
                assertThat(e.problem().detail()).isEqualTo("Bad Gateway from proxy");
                assertThat(e.isTransient()).isTrue();
            });
        }

        @Test
        void anUnreadableSuccessIsAnInvalidResponse() {
            routes.put("GET /api/v1/status", ex -> respond(ex, 200, "application/json", "<html>"));

            assertThatThrownBy(() -> client.status())
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.problem().type()).isEqualTo(Problem.INVALID_RESPONSE));
        }

        @Test
        void aRegistryNobodyListensOnIsUnreachable() {
            var offline = new HttpRegistryClient(ForgeClientSettings.of(ToolStub.refusedEndpoint(), KEY));

            assertThatThrownBy(offline::status).isInstanceOfSatisfying(RegistryUnreachableException.class, e -> {
                assertThat(e.status()).isZero();
                assertThat(e.isTransient()).isTrue();
                assertThat(e.getMessage()).doesNotContain(KEY);
            });
            offline.close();
        }
    }

    @Nested
    class Catalog {

        private static final String CATALOG = """
                {"eventId":12,"functions":[{"name":"calculator_evaluate","description":"Evaluate",
                 "inputSchema":{"type":"object"},"service":"calculator"}],
                 "services":[{"name":"calculator","version":"1.0.0","description":"Calc",
                 "instances":[{"instanceId":"calc-1","endpoint":"http://10.0.0.5:8083","metadata":{}}]}],
                 "index":{"calculator_evaluate":"calculator"}}""";

        @Test
        void aFreshCatalogComesWithItsEtag() {
            routes.put("GET /api/v1/catalog", ex -> {
                assertThat(ex.getRequestHeaders().getFirst("If-None-Match")).isNull();
                ex.getResponseHeaders().add("ETag", "W/\"abc\"");
                ex.getResponseHeaders().add("X-Forge-Event-Id", "12");
                respond(ex, 200, "application/json", CATALOG);
            });

            CatalogResult result = client.catalog(null);

            assertThat(result).isInstanceOfSatisfying(CatalogResult.Modified.class, modified -> {
                assertThat(modified.etag()).isEqualTo("W/\"abc\"");
                assertThat(modified.eventId()).isEqualTo(12);
                assertThat(modified.catalog().index()).containsEntry("calculator_evaluate", "calculator");
                assertThat(modified.catalog().services().getFirst().instances()).hasSize(1);
            });
        }

        @Test
        void anUnchangedCatalogIsNotModifiedAsOfTheCurrentEvent() {
            routes.put("GET /api/v1/catalog", ex -> {
                assertThat(ex.getRequestHeaders().getFirst("If-None-Match")).isEqualTo("W/\"abc\"");
                ex.getResponseHeaders().add("ETag", "W/\"abc\"");
                ex.getResponseHeaders().add("X-Forge-Event-Id", "15");
                ex.sendResponseHeaders(304, -1);
            });

            assertThat(client.catalog("W/\"abc\"")).isEqualTo(new CatalogResult.NotModified("W/\"abc\"", 15));
        }
    }

    @Nested
    class ChangeFeed {

        private static String changeEvent(long id, String type) {
            return "{\"id\":" + id + ",\"type\":\"" + type + "\",\"at\":\"2030-01-01T00:00:00Z\",\"instance\":"
                    + INSTANCE_JSON.replace("\n", "") + "}";
        }

        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final ChangeFeedListener listener = new ChangeFeedListener() {
            @Override
            public void onEvent(ChangeEvent event) {
                received.add(event);
            }

            @Override
            public void onReset(long lastEventId) {
                received.add("reset " + lastEventId);
            }

            @Override
            public void onHeartbeat() {
                received.add("heartbeat");
            }

            @Override
            public void onClosed(Throwable error) {
                received.add(error == null ? "closed" : error);
            }
        };

        private void stream(String... chunks) {
            routes.put("GET /api/v1/events", ex -> {
                assertThat(ex.getRequestHeaders().getFirst("Last-Event-ID")).isEqualTo("7");
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                OutputStream out = ex.getResponseBody();
                for (String chunk : chunks) {
                    out.write(chunk.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            });
        }

        @Test
        void eventsResetsAndHeartbeatsArriveInOrderThenTheEnd() throws InterruptedException {
            String event = changeEvent(8, "registered");
            int split = event.indexOf(",\"type\"") + 1;
            // Split between JSON tokens: the joining newline is then plain whitespace.
            stream(
                    ":subscribed after event 7\n\n",
                    "id: 8\nevent: registered\ndata: " + event.substring(0, split) + "\ndata: " + event.substring(split)
                            + "\n\n",
                    ":heartbeat\n\n",
                    "id: 9\nevent: some-future-kind\ndata: {}\n\n",
                    "id: 20\nevent: reset\ndata: {\"reason\":\"gone\",\"lastEventId\":20}\n\n");

            FeedSubscription subscription = client.subscribe(OptionalLong.of(7), listener);

            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("heartbeat");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ChangeEvent.class, e -> {
                assertThat(e.id()).isEqualTo(8);
                assertThat(e.type()).isEqualTo(ChangeType.REGISTERED);
                assertThat(e.instance().instanceId()).isEqualTo("calc-1");
            });
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("heartbeat");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("reset 20");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("closed");
            assertThat(subscription.lastEventId()).isEqualTo(20);
            assertThat(subscription.isOpen()).isFalse();
        }

        @Test
        void aKeyRevokedEventArrivesWithItsKeyIdAndNoInstance() throws InterruptedException {
            stream(
                    "id: 8\nevent: key-revoked\ndata: {\"id\":8,\"type\":\"key-revoked\",\"at\":\"2030-01-01T00:00:00Z\","
                            + "\"keyId\":\"abc12345\"}\n\n");

            FeedSubscription subscription = client.subscribe(OptionalLong.of(7), listener);

            assertThat(received.poll(5, TimeUnit.SECONDS)).isInstanceOfSatisfying(ChangeEvent.class, e -> {
                assertThat(e.type()).isEqualTo(ChangeType.KEY_REVOKED);
                assertThat(e.keyId()).isEqualTo("abc12345");
                assertThat(e.instance()).isNull();
            });
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("closed");
            assertThat(subscription.lastEventId()).isEqualTo(8);
        }

        @Test
        void anUnreadableEventBreaksTheFeedWithAnError() throws InterruptedException {
            stream("id: 8\nevent: registered\ndata: {not json\n\n");

            client.subscribe(OptionalLong.of(7), listener);

            assertThat(received.poll(5, TimeUnit.SECONDS))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.problem().type()).isEqualTo(Problem.INVALID_RESPONSE));
        }

        @Test
        void closingEndsAnOpenStream() throws InterruptedException {
            CountDownLatch release = new CountDownLatch(1);
            routes.put("GET /api/v1/events", ex -> {
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                ex.getResponseBody().write(":hello\n\n".getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
                release.await(10, TimeUnit.SECONDS);
            });
            FeedSubscription subscription = client.subscribe(OptionalLong.empty(), listener);
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("heartbeat");

            subscription.close();

            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("closed");
            release.countDown();
        }

        @Test
        void aRefusedSubscriptionThrowsAtOnce() {
            routes.put("GET /api/v1/events", ex -> respond(ex, 400, "application/problem+json", """
                    {"type":"urn:agentforge:problem:validation","title":"Invalid request","status":400,
                     "detail":"Last-Event-ID must be a non-negative event id"}"""));

            assertThatThrownBy(() -> client.subscribe(OptionalLong.of(7), listener))
                    .isInstanceOfSatisfying(
                            RegistryException.class,
                            e -> assertThat(e.problem().is("validation")).isTrue());
        }
    }
}
