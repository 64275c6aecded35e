package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client given several registry replicas keeps working while one of them is gone or unavailable. */
class RegistryFailoverTests {

    private static final String INSTANCE_JSON = """
            {"instanceId":"calc-1","name":"calculator","kind":"TOOL","version":"1.0.0","endpoint":"http://10.0.0.5:8083",
             "capabilities":[],"metadata":{},"functions":[],"status":"UP","leaseDuration":"30s",
             "registeredAt":"2030-01-01T00:00:00Z","lastRenewal":"2030-01-01T00:00:00Z",
             "expiresAt":"2030-01-01T00:00:30Z"}""";

    private final CountDownLatch release = new CountDownLatch(1);
    private final Replica a = new Replica();
    private final Replica b = new Replica();

    @AfterEach
    void stop() {
        release.countDown();
        a.server.stop(0);
        b.server.stop(0);
    }

    @Test
    void aReplicaThatDoesNotAnswerIsSkippedAndTheOneThatAnswersIsKept() throws IOException {
        try (var client = client(List.of(deadUrl(), b.url()), Duration.ofSeconds(5))) {
            b.answer = 200;

            assertThat(client.instance("calc-1")).isPresent();
            assertThat(client.instance("calc-1")).isPresent();

            assertThat(b.requests).hasValue(2);
        }
    }

    @Test
    void anUnavailableReplicaIsSkippedAndNotAskedFirstAgain() {
        a.answer = 503;
        b.answer = 200;
        try (var client = client(List.of(a.url(), b.url()), Duration.ofSeconds(5))) {

            assertThat(client.instance("calc-1")).isPresent();
            assertThat(client.instance("calc-1")).isPresent();

            assertThat(a.requests).as("asked once, then passed over").hasValue(1);
            assertThat(b.requests).hasValue(2);
        }
    }

    @Test
    void whenEveryReplicaIsUnavailableTheCallerGetsTheLastAnswer() {
        a.answer = 503;
        b.answer = 503;
        try (var client = client(List.of(a.url(), b.url()), Duration.ofSeconds(5))) {

            assertThatThrownBy(() -> client.instance("calc-1"))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.status()).isEqualTo(503));
            assertThat(a.requests).hasValue(1);
            assertThat(b.requests).hasValue(1);
        }
    }

    @Test
    void aRegistrationThatMayHaveArrivedIsNotSentToASecondReplicaUnlessItNamesItsInstance() {
        a.hang = true;
        b.answer = 201;
        try (var client = client(List.of(a.url(), b.url()), Duration.ofMillis(300))) {

            // No instance id: a second replica would create a second instance, so the timeout is the caller's.
            assertThatThrownBy(() -> client.register(registration(null)))
                    .isInstanceOf(RegistryUnreachableException.class)
                    .hasMessageContaining("/api/v1/instances at each of");
            assertThat(b.requests).hasValue(0);

            // With one, registering twice is the same registration: the next replica takes it.
            assertThat(client.register(registration("calc-1")).instanceId()).isEqualTo("calc-1");
            assertThat(b.requests).hasValue(1);
        }
    }

    private static ServiceRegistration registration(String instanceId) {
        return new ServiceRegistration(
                instanceId,
                "calculator",
                ServiceKind.TOOL,
                "1.0.0",
                null,
                "http://10.0.0.5:8083",
                null,
                null,
                null,
                null,
                null);
    }

    private static HttpRegistryClient client(List<URI> urls, Duration requestTimeout) {
        return new HttpRegistryClient(
                new ForgeClientSettings(urls, ForgeClientSettingsTests.KEY, Duration.ofSeconds(1), requestTimeout));
    }

    /** A loopback URL nothing listens on: connections are refused. */
    private static URI deadUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    /** A registry replica that answers every request alike, counting them. */
    private final class Replica {

        final AtomicInteger requests = new AtomicInteger();
        final HttpServer server;
        volatile int answer = 200;
        volatile boolean hang;

        Replica() {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    if (hang) {
                        release.await(30, TimeUnit.SECONDS);
                        return;
                    }
                    requests.incrementAndGet();
                    byte[] body = (answer / 100 == 2 ? INSTANCE_JSON : """
                                    {"type":"about:blank","title":"Service Unavailable","status":%d}""".formatted(answer))
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders()
                            .add("Content-Type", answer / 100 == 2 ? "application/json" : "application/problem+json");
                    exchange.sendResponseHeaders(answer, body.length);
                    exchange.getResponseBody().write(body);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }
    }
}
