package io.agentforge.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A tool instance on 127.0.0.1 answering every function call with a fixed status and body. */
final class ToolStub implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger hits = new AtomicInteger();
    private volatile int status;
    private volatile String contentType;
    private volatile String body;
    private volatile String lastRequestBody;
    private volatile String lastAuthorization;
    private volatile String lastPath;
    private volatile boolean chunked;
    private final java.util.List<String> authorizations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Map<String, String> extraHeaders = new java.util.concurrent.ConcurrentHashMap<>();

    private ToolStub(int status, String contentType, String body) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            lastPath = exchange.getRequestURI().getPath();
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (lastAuthorization != null) {
                authorizations.add(lastAuthorization);
            }
            lastRequestBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            byte[] bytes = this.body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", this.contentType);
            extraHeaders.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.sendResponseHeaders(this.status, bytes.length == 0 ? -1 : chunked ? 0 : bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    static ToolStub answering(int status, String body) {
        return new ToolStub(status, "application/json", body);
    }

    static ToolStub answering(int status, String contentType, String body) {
        return new ToolStub(status, contentType, body);
    }

    /** An endpoint nobody listens on: connecting is refused. */
    static String refusedEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void answer(int newStatus, String newBody) {
        this.status = newStatus;
        this.body = newBody;
    }

    /** Answers without Content-Length (chunked). */
    void chunked() {
        chunked = true;
    }

    void header(String name, String value) {
        extraHeaders.put(name, value);
    }

    /** Every Authorization header received, in order. */
    java.util.List<String> authorizations() {
        return authorizations;
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    int hits() {
        return hits.get();
    }

    String lastRequestBody() {
        return lastRequestBody;
    }

    String lastAuthorization() {
        return lastAuthorization;
    }

    String lastPath() {
        return lastPath;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
