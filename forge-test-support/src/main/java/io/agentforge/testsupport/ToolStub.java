package io.agentforge.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tool instance for tests: a real HTTP server on 127.0.0.1 (a random port) that answers
 * {@code GET /actuator/health} for the registry's probes and every other request (the function calls,
 * {@code POST /forge/functions/{name}}) with what the test says, recording what it received.
 *
 * <pre>{@code
 * try (ToolStub tool = ToolStub.answering(200, "{\"value\":3}")) { ... tool.endpoint() ... tool.lastAuthorization() }
 * try (ToolStub tool = ToolStub.calling((function, body, authorization) -> Answer.json("{}"))) { ... }
 * }</pre>
 */
public final class ToolStub implements AutoCloseable {

    /** The path prefix of function calls. */
    public static final String FUNCTIONS_PATH = "/forge/functions/";

    /** What the stub answers to a call of a function (the name is the path after {@link #FUNCTIONS_PATH}). */
    @FunctionalInterface
    public interface Function {
        Answer call(String functionName, String body, String authorization);
    }

    /** One answer: status, content type and body. */
    public record Answer(int status, String contentType, String body) {

        public static Answer json(String body) {
            return new Answer(200, "application/json", body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger hits = new AtomicInteger();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final Map<String, String> extraHeaders = new ConcurrentHashMap<>();
    private volatile Function function;
    private volatile boolean healthy = true;
    private volatile boolean chunked;
    private volatile String lastRequestBody;
    private volatile String lastAuthorization;
    private volatile String lastPath;

    private ToolStub(Function function) {
        this.function = function;
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
        server.createContext("/", this::call);
        server.setExecutor(executor);
        server.start();
    }

    /** Answers every call with a fixed JSON answer (change it with {@link #answer}). */
    public static ToolStub answering(int status, String body) {
        return answering(status, "application/json", body);
    }

    public static ToolStub answering(int status, String contentType, String body) {
        return new ToolStub((name, request, authorization) -> new Answer(status, contentType, body));
    }

    /** Answers each call as the function says. */
    public static ToolStub calling(Function function) {
        return new ToolStub(function);
    }

    /** An endpoint nobody listens on: connecting to it is refused. */
    public static String refusedEndpoint() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void call(HttpExchange exchange) throws IOException {
        hits.incrementAndGet();
        String path = exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        lastPath = path;
        lastAuthorization = authorization;
        if (authorization != null) {
            authorizations.add(authorization);
        }
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        lastRequestBody = body;
        String name = path.startsWith(FUNCTIONS_PATH) ? path.substring(FUNCTIONS_PATH.length()) : path;
        respond(exchange, function.call(name, body, authorization));
    }

    private void respond(HttpExchange exchange, Answer answer) throws IOException {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        extraHeaders.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : chunked ? 0 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** From now on every call gets this JSON answer. */
    public void answer(int status, String body) {
        this.function = (name, request, authorization) -> new Answer(status, "application/json", body);
    }

    /** Answers without a {@code Content-Length} (chunked). */
    public void chunked() {
        chunked = true;
    }

    /** Adds a header to every answer. */
    public void header(String name, String value) {
        extraHeaders.put(name, value);
    }

    /** Whether {@code /actuator/health} answers UP (200) or DOWN (503). */
    public void healthy(boolean up) {
        healthy = up;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests received other than health probes. */
    public int hits() {
        return hits.get();
    }

    /** Every {@code Authorization} header received, in order. */
    public List<String> authorizations() {
        return authorizations;
    }

    public String lastRequestBody() {
        return lastRequestBody;
    }

    public String lastAuthorization() {
        return lastAuthorization;
    }

    public String lastPath() {
        return lastPath;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }
}
