package io.agentforge.gateway.mcp;

import io.agentforge.gateway.mcp.CallerScopes.ScopeUnavailableException;
import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.starter.ForgeCaller;
import io.agentforge.web.ProblemWriter;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The server-to-client half of the gateway's Streamable HTTP endpoint, without sessions: a GET on {@code /mcp} with
 * {@code Accept: text/event-stream} opens an SSE stream on whichever replica it reaches, and that replica sends
 * {@code notifications/tools/list_changed} on it whenever the tools its caller may see change. Every replica follows
 * the registry's change feed, so no replica needs to know where a client initialized or where its requests go; the
 * stream carries nothing but that signal, and the client lists again (any replica answers).
 *
 * <p>Changes are noticed by checking the discovery cache's snapshot every {@code interval} while streams are open (a
 * reference comparison; the digests per caller scope are computed only when the snapshot changed). An SSE comment
 * every {@code keepAlive} finds connections that went away. Streams are limited in total and per caller (429).
 */
public final class ToolListChangedStreams extends OncePerRequestFilter implements AutoCloseable {

    static final String NOTIFICATION = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}";

    private static final Logger log = LoggerFactory.getLogger(ToolListChangedStreams.class);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] EVENT =
            ("event: message\ndata: " + NOTIFICATION + "\n\n").getBytes(StandardCharsets.UTF_8);

    private final CatalogMcpServer server;
    private final Function<HttpServletRequest, CallerScope> scopes;
    private final List<String> versions;
    private final int maxStreams;
    private final int maxStreamsPerCaller;
    private final long keepAliveTicks;
    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    // Guarded by this: streams reserved per caller and in all (a reservation precedes joining the set).
    private final Map<String, Integer> perCaller = new HashMap<>();
    private int reserved;
    private final ScheduledExecutorService ticker;
    private final Object tickLock = new Object();
    private volatile boolean closed;
    // Only the ticker thread touches these.
    private Object lastCatalog;
    private long ticks;

    public ToolListChangedStreams(
            CatalogMcpServer server, Function<HttpServletRequest, CallerScope> scopes, Settings settings) {
        this.server = server;
        this.scopes = scopes;
        this.versions = server.protocolVersions();
        this.maxStreams = settings.maxStreams();
        this.maxStreamsPerCaller = settings.maxStreamsPerCaller();
        this.keepAliveTicks = Math.max(
                1, settings.keepAlive().toMillis() / settings.interval().toMillis());
        this.ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mcp-list-changed");
            thread.setDaemon(true);
            return thread;
        });
        long interval = settings.interval().toMillis();
        ticker.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * @param interval            how often the catalog snapshot is checked while streams are open
     * @param keepAlive           how often an idle stream gets an SSE comment
     * @param maxStreams          open streams per gateway replica
     * @param maxStreamsPerCaller open streams per caller (principal)
     */
    public record Settings(Duration interval, Duration keepAlive, int maxStreams, int maxStreamsPerCaller) {
        public Settings {
            if (interval.isNegative() || interval.isZero() || keepAlive.compareTo(interval) < 0) {
                throw new IllegalArgumentException("interval must be positive and keepAlive at least interval");
            }
            if (maxStreams < 1 || maxStreamsPerCaller < 1) {
                throw new IllegalArgumentException("stream limits must be at least 1");
            }
        }

        public static Settings defaults() {
            return new Settings(Duration.ofMillis(250), Duration.ofSeconds(25), 2000, 16);
        }
    }

    /** How many streams are open on this replica. */
    public int size() {
        return streams.size();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"GET".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        if (closed) {
            // Shutting down: a new stream would hold the graceful shutdown; the client's next POST finds a live
            // replica.
            response.setHeader("Retry-After", "1");
            ProblemWriter.write(
                    response,
                    ProblemWriter.problem(
                            HttpStatus.SERVICE_UNAVAILABLE,
                            ProblemTypes.UNAVAILABLE,
                            "Unavailable",
                            "This gateway replica is shutting down"));
            return;
        }
        String accept = request.getHeader("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            ProblemWriter.write(
                    response,
                    ProblemWriter.problem(
                            HttpStatus.NOT_ACCEPTABLE,
                            ProblemTypes.NOT_ACCEPTABLE,
                            "Not acceptable",
                            "GET /mcp opens the server's notification stream: send 'Accept: text/event-stream'"
                                    + " (messages are POSTed)"));
            return;
        }
        String version = request.getHeader("MCP-Protocol-Version");
        if (version != null && !versions.contains(version.strip())) {
            ProblemWriter.write(
                    response,
                    ProblemWriter.problem(
                            HttpStatus.BAD_REQUEST,
                            ProblemTypes.VALIDATION,
                            "Unsupported protocol version",
                            "MCP-Protocol-Version must be one of " + versions));
            return;
        }
        CallerScope scope;
        try {
            scope = scopes.apply(request);
        } catch (ScopeUnavailableException e) {
            response.setHeader("Retry-After", "5");
            ProblemWriter.write(
                    response,
                    ProblemWriter.problem(
                            HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.UNAVAILABLE, "Unavailable", e.getMessage()));
            return;
        }
        String caller = request.getAttribute(ForgeCaller.ATTRIBUTE) instanceof ForgeCaller forgeCaller
                ? forgeCaller.principal()
                : "";
        if (!reserve(caller)) {
            response.setHeader("Retry-After", "30");
            ProblemWriter.write(
                    response,
                    ProblemWriter.problem(
                            HttpStatus.TOO_MANY_REQUESTS,
                            ProblemTypes.RATE_LIMITED,
                            "Too many streams",
                            "At most " + maxStreamsPerCaller + " notification streams per caller and " + maxStreams
                                    + " per gateway are open at once"));
            return;
        }
        Stream stream = new Stream(caller, scope);
        try {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType("text/event-stream");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            response.setHeader("Cache-Control", "no-cache");
            AsyncContext async = request.startAsync(request, response);
            async.setTimeout(0);
            async.addListener(stream);
            synchronized (tickLock) {
                // Under the ticker's lock: the stream's first digest and its joining the set are one step, so a
                // change the ticker handles is either in the digest or reported on the stream.
                server.sync();
                stream.open(async, server.digest(scope));
                if (!closed) {
                    streams.add(stream);
                }
            }
            if (closed) {
                stream.end();
                return;
            }
            // The headers now, so the client knows the stream is there before anything happens.
            response.flushBuffer();
        } catch (IOException | RuntimeException e) {
            stream.end();
            throw e;
        }
    }

    private synchronized boolean reserve(String caller) {
        int mine = perCaller.getOrDefault(caller, 0);
        if (mine >= maxStreamsPerCaller || reserved >= maxStreams) {
            return false;
        }
        perCaller.put(caller, mine + 1);
        reserved++;
        return true;
    }

    private synchronized void release(String caller) {
        perCaller.computeIfPresent(caller, (key, count) -> count <= 1 ? null : count - 1);
        reserved--;
    }

    private void tick() {
        try {
            ticks++;
            if (streams.isEmpty()) {
                lastCatalog = null;
                return;
            }
            Object catalog = server.catalog();
            boolean changed = catalog != lastCatalog;
            lastCatalog = catalog;
            if (changed) {
                synchronized (tickLock) {
                    server.sync();
                    Map<CallerScope, Long> digests = new HashMap<>();
                    for (Stream stream : streams) {
                        long digest = digests.computeIfAbsent(stream.scope, server::digest);
                        if (stream.changedTo(digest)) {
                            stream.send(EVENT);
                        }
                    }
                }
            }
            if (ticks % keepAliveTicks == 0) {
                for (Stream stream : streams) {
                    stream.send(KEEP_ALIVE);
                }
            }
        } catch (RuntimeException e) {
            // The ticker must survive anything one snapshot or one stream throws.
            log.warn("Checking the catalog for MCP list changes failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        synchronized (tickLock) {
            closed = true;
        }
        ticker.shutdownNow();
        for (Stream stream : streams) {
            stream.end();
        }
    }

    /** One open GET stream: its caller, scope, and the digest of the tools it last saw. */
    private final class Stream implements AsyncListener {

        private final String caller;
        private final CallerScope scope;
        private long digest;
        private AsyncContext async;
        private boolean ended;

        Stream(String caller, CallerScope scope) {
            this.caller = caller;
            this.scope = scope;
        }

        synchronized void open(AsyncContext async, long digest) {
            this.async = async;
            this.digest = digest;
        }

        /** Records the digest of the caller's tools now; true when it differs from the one they last saw. */
        synchronized boolean changedTo(long now) {
            boolean changed = now != digest;
            digest = now;
            return changed;
        }

        synchronized void send(byte[] bytes) {
            if (ended || async == null) {
                return;
            }
            try {
                var out = async.getResponse().getOutputStream();
                out.write(bytes);
                out.flush();
            } catch (IOException | RuntimeException e) {
                end();
            }
        }

        synchronized void end() {
            if (ended) {
                return;
            }
            ended = true;
            streams.remove(this);
            release(caller);
            if (async != null) {
                try {
                    async.complete();
                } catch (RuntimeException e) {
                    // Already completed by the container (client gone): nothing left to release.
                }
            }
        }

        @Override
        public void onComplete(AsyncEvent event) {
            end();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            end();
        }

        @Override
        public void onError(AsyncEvent event) {
            end();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}
    }
}
