package io.agentforge.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A tool instance on 127.0.0.1: {@code /actuator/health} and {@code /forge/functions/*} answered by the test. */
final class ToolStub implements AutoCloseable {

    /** What the stub answers to a function call. */
    interface Function {
        Answer call(String functionName, String body, String authorization);
    }

    record Answer(int status, String contentType, String body) {

        static Answer json(String body) {
            return new Answer(200, "application/json", body);
        }
    }

    private final HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private volatile boolean healthy = true;

    ToolStub(Function function) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(
                "/actuator/health",
                exchange -> respond(
                        exchange,
                        healthy
                                ? new Answer(200, "application/json", "{\"status\":\"UP\"}")
                                : new Answer(503, "application/json", "{\"status\":\"DOWN\"}")));
        server.createContext("/forge/functions/", exchange -> {
            calls.incrementAndGet();
            String name = exchange.getRequestURI().getPath().substring("/forge/functions/".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            respond(
                    exchange,
                    function.call(name, body, exchange.getRequestHeaders().getFirst("Authorization")));
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private static void respond(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int calls() {
        return calls.get();
    }

    void healthy(boolean up) {
        healthy = up;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
