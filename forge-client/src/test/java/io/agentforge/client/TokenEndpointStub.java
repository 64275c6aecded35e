package io.agentforge.client;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;

/**
 * The registry's token endpoint as far as the client sees it, on 127.0.0.1: checks the RFC 8693 form and the caller's
 * key, and answers an (unsigned) JWT with the claims the contract names: {@code sub} the subject's principal,
 * {@code act} the caller when it acts for someone else, {@code aud}, {@code exp} from the given clock.
 */
final class TokenEndpointStub implements AutoCloseable {

    /** One exchange as received. */
    record Exchange(String authorization, String contentType, Map<String, String> form) {}

    private final HttpServer server;
    private final Clock clock;
    private final String callerKey;
    private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
    private final AtomicInteger issued = new AtomicInteger();
    private volatile Duration ttl = Duration.ofMinutes(5);
    private volatile boolean expInToken = true;
    private volatile int failWith;
    private volatile String failBody;
    private volatile CountDownLatch gate;

    TokenEndpointStub(Clock clock, String callerKey) {
        this.clock = clock;
        this.callerKey = callerKey;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/oauth2/token", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Exchange received = new Exchange(
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    form(body));
            exchanges.add(received);
            CountDownLatch waitFor = gate;
            if (waitFor != null) {
                try {
                    waitFor.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status;
            String answer;
            if (failWith != 0) {
                status = failWith;
                answer = failBody;
            } else if (!("Bearer " + callerKey).equals(received.authorization())) {
                status = 401;
                answer = "{\"error\":\"invalid_client\",\"error_description\":\"unknown client key\"}";
            } else if (!TokenExchanger.GRANT_TYPE.equals(received.form().get("grant_type"))
                    || received.form().get("subject_token") == null
                    || received.form().get("audience") == null) {
                status = 400;
                answer = "{\"error\":\"invalid_request\"}";
            } else {
                status = 200;
                answer = "{\"access_token\":\"" + jwt(received.form()) + "\",\"issued_token_type\":"
                        + "\"urn:ietf:params:oauth:token-type:jwt\",\"token_type\":\"Bearer\",\"expires_in\":"
                        + ttl.toSeconds() + "}";
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, bytes.length);
            try (var out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private String jwt(Map<String, String> form) {
        String subjectToken = form.get("subject_token");
        String caller = keyId(callerKey);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", url());
        claims.put("aud", List.of(form.get("audience")));
        Matcher key = ForgeClientSettings.API_KEY.matcher(subjectToken);
        if (key.matches()) {
            claims.put("sub", "key:" + key.group(1));
        } else {
            claims.put("sub", "jwt:" + subjectToken.hashCode());
        }
        if (!subjectToken.equals(callerKey)) {
            claims.put("act", Map.of("sub", "key:" + caller, "name", "caller"));
        }
        claims.put("roles", List.of("client"));
        long now = clock.instant().getEpochSecond();
        claims.put("iat", now);
        if (expInToken) {
            claims.put("exp", now + ttl.toSeconds());
        }
        claims.put("jti", "t" + issued.incrementAndGet());
        return encode("{\"alg\":\"ES256\",\"kid\":\"test\"}") + "."
                + encode(HttpRegistryClient.mapper().writeValueAsString(claims)) + ".c2lnbmF0dXJl";
    }

    static String keyId(String key) {
        Matcher matcher = ForgeClientSettings.API_KEY.matcher(key);
        return matcher.matches() ? matcher.group(1) : null;
    }

    private static String encode(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    /** The claims of a token this stub issued. */
    static Map<String, Object> claims(String jwt) {
        byte[] payload = Base64.getUrlDecoder().decode(jwt.split("\\.")[1]);
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = HttpRegistryClient.mapper().readValue(payload, Map.class);
        return claims;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<Exchange> exchanges() {
        return exchanges;
    }

    void ttl(Duration value) {
        ttl = value;
    }

    /** Leaves {@code exp} out of the JWT, so only {@code expires_in} says when it ends. */
    void withoutExpClaim() {
        expInToken = false;
    }

    void fail(int status, String body) {
        failWith = status;
        failBody = body;
    }

    void recover() {
        failWith = 0;
    }

    /** Holds every answer until the returned latch is counted down. */
    CountDownLatch hold() {
        CountDownLatch latch = new CountDownLatch(1);
        gate = latch;
        return latch;
    }

    @Override
    public void close() {
        CountDownLatch waiting = gate;
        if (waiting != null) {
            waiting.countDown();
        }
        server.stop(0);
    }
}
