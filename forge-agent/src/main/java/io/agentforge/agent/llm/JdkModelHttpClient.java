package io.agentforge.agent.llm;

import com.openai.core.RequestOptions;
import com.openai.core.Timeout;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import com.openai.errors.OpenAIIoException;
import io.agentforge.client.HttpObservations;
import io.micrometer.common.KeyValues;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The OpenAI SDK's transport on the JDK's {@link java.net.http.HttpClient} instead of OkHttp.
 *
 * <p>Why: through OkHttp every model call on a kept-alive connection waited ~40 ms for the peer's delayed ACK (Nagle's
 * algorithm holds the request's second small write until the first is acknowledged; OkHttp leaves
 * {@code TCP_NODELAY} off and Spring AI's builder offers no socket factory to change it). The JDK client sets
 * {@code TCP_NODELAY}. The SDK's retries, authentication and logging wrap this client as they wrapped OkHttp's.
 *
 * <p>Each request is an {@code agentforge.agent.model.requests} observation: a client span whose context goes out as W3C
 * {@code traceparent}, and a timer. It ends when the response's body is closed (or the request failed), so a streamed
 * answer's span covers the stream.
 */
final class JdkModelHttpClient implements HttpClient {

    // Its own name, not Boot's http.client.requests: Prometheus needs one tag set per name, and Boot's has others.
    static final String OBSERVATION = "agentforge.agent.model.requests";

    // The JDK client sets these itself and refuses them from callers.
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final java.net.http.HttpClient http;
    private final ObservationRegistry observations;
    private final Timeout timeout;

    /**
     * @param timeout the SDK's default timeouts: {@code connect} bounds connecting, the smaller of {@code read} and
     *                {@code request} bounds the wait for the response's headers (the agent's deadline bounds the rest)
     * @param proxy   an HTTP proxy, or {@code null} for none
     */
    JdkModelHttpClient(Timeout timeout, Proxy proxy, ObservationRegistry observations) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.observations = Objects.requireNonNull(observations, "observations");
        java.net.http.HttpClient.Builder builder = java.net.http.HttpClient.newBuilder()
                .connectTimeout(timeout.connect())
                .followRedirects(java.net.http.HttpClient.Redirect.NORMAL);
        if (proxy != null && proxy.type() == Proxy.Type.HTTP && proxy.address() instanceof InetSocketAddress address) {
            builder.proxy(ProxySelector.of(address));
        }
        this.http = builder.build();
    }

    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions options) {
        try {
            return executeAsync(request, options).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpenAIIoException("Interrupted while calling the model", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime
                    ? runtime
                    : new OpenAIIoException("Request failed", e.getCause());
        }
    }

    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
        URI uri = URI.create(request.url());
        java.net.http.HttpRequest.Builder builder =
                java.net.http.HttpRequest.newBuilder(uri).timeout(responseTimeout(options));
        // Cleartext stays on HTTP/1.1 (no h2c upgrade dance); TLS negotiates HTTP/2 where the server offers it.
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            builder.version(java.net.http.HttpClient.Version.HTTP_1_1);
        }
        Headers headers = request.headers();
        for (String name : headers.names()) {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))
                    && !ModelCallContexts.HEADER.equalsIgnoreCase(name)) {
                headers.values(name).forEach(value -> builder.header(name, value));
            }
        }
        HttpRequestBody body = request.body();
        if (body != null
                && body.contentType() != null
                && headers.values("Content-Type").isEmpty()) {
            builder.header("Content-Type", body.contentType());
        }
        builder.method(request.method().name(), publisher(request.method(), body));
        Observation observation = observe(request, uri, builder);
        CompletableFuture<java.net.http.HttpResponse<InputStream>> sent;
        try {
            sent = http.sendAsync(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        } catch (RuntimeException e) {
            observation.error(e).stop();
            throw e;
        }
        return sent.handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                observation.error(cause).stop();
                throw cause instanceof CancellationException cancelled
                        ? cancelled
                        : new OpenAIIoException("Request failed: " + cause, cause);
            }
            observation.lowCardinalityKeyValue("status", Integer.toString(response.statusCode()));
            return new Response(response, observation);
        });
    }

    // Started where the caller's observation is current: on the SDK's own thread (a streamed answer) that is the
    // context the model turn registered under ModelCallContexts.HEADER.
    private Observation observe(HttpRequest request, URI uri, java.net.http.HttpRequest.Builder builder) {
        if (observations.getCurrentObservation() == null) {
            var registered = ModelCallContexts.find(request.headers().values(ModelCallContexts.HEADER).stream()
                    .findFirst()
                    .orElse(null));
            if (registered.isPresent()) {
                try (ContextSnapshot.Scope inCaller = registered.get().setThreadLocals()) {
                    return start(request, uri, builder);
                }
            }
        }
        return start(request, uri, builder);
    }

    private Observation start(HttpRequest request, URI uri, java.net.http.HttpRequest.Builder builder) {
        return HttpObservations.start(
                observations,
                OBSERVATION,
                "http " + request.method().name().toLowerCase(Locale.ROOT),
                builder,
                uri.getHost(),
                KeyValues.of(
                        "method",
                        request.method().name(),
                        "server.address",
                        String.valueOf(uri.getHost()),
                        "uri",
                        uri.getPath(),
                        // Replaced by the response's status; stays "none" when no response came.
                        "status",
                        "none"));
    }

    private Duration responseTimeout(RequestOptions options) {
        Timeout effective = options.getTimeout() != null ? options.getTimeout() : timeout;
        Duration read = effective.read();
        Duration request = effective.request();
        return read.compareTo(request) < 0 ? read : request;
    }

    private static java.net.http.HttpRequest.BodyPublisher publisher(HttpMethod method, HttpRequestBody body) {
        if (body == null) {
            return method == HttpMethod.GET || method == HttpMethod.HEAD
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[0]);
        }
        // One buffer, sent in one write with its headers: requests to a model are small JSON documents.
        ByteArrayOutputStream bytes =
                new ByteArrayOutputStream(body.contentLength() > 0 ? (int) body.contentLength() : 1024);
        try {
            body.writeTo(bytes);
        } catch (UncheckedIOException e) {
            throw new OpenAIIoException("Could not write the request", e);
        }
        return java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes.toByteArray());
    }

    @Override
    public void close() {
        http.close();
    }

    private static final class Response implements HttpResponse {
        private final java.net.http.HttpResponse<InputStream> response;
        private final Observation observation;
        private final Headers headers;
        private final AtomicBoolean closed = new AtomicBoolean();

        Response(java.net.http.HttpResponse<InputStream> response, Observation observation) {
            this.response = response;
            this.observation = observation;
            Headers.Builder builder = Headers.builder();
            response.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":")) {
                    builder.put(name, (List<String>) values);
                }
            });
            this.headers = builder.build();
        }

        @Override
        public int statusCode() {
            return response.statusCode();
        }

        @Override
        public Headers headers() {
            return headers;
        }

        @Override
        public InputStream body() {
            return response.body();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    // Closing before the end cancels the exchange (the agent stops a stream at its deadline).
                    response.body().close();
                } catch (IOException e) {
                    // Nothing left to read; the connection is dropped rather than reused.
                } finally {
                    observation.stop();
                }
            }
        }
    }
}
