package io.agentforge.starter;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.agentforge.client.AccessTokens;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The parts of the registry a tool's inbound checks talk to, over real HTTP on 127.0.0.1: the JWKS at
 * {@code /oauth2/jwks} (ES256 keys made here with Nimbus; rotatable; can be made to fail) and the change feed at
 * {@code /api/v1/events}, on which the test publishes {@code key-revoked} events. Mints tokens like the registry's.
 */
final class TestRegistryStub implements AutoCloseable {

    private final HttpServer server;
    private final Clock clock;
    private final List<ECKey> published = new CopyOnWriteArrayList<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final List<BlockingQueue<String>> feeds = new CopyOnWriteArrayList<>();
    private final AtomicLong eventIds = new AtomicLong(100);
    private volatile ECKey signing;
    private volatile boolean jwksDown;

    TestRegistryStub(Clock clock) {
        this.clock = clock;
        this.signing = newKey();
        published.add(signing);
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/oauth2/jwks", exchange -> {
            jwksFetches.incrementAndGet();
            byte[] body = new JWKSet(new ArrayList<JWK>(published)).toString().getBytes(StandardCharsets.UTF_8);
            int status = jwksDown ? 503 : 200;
            if (jwksDown) {
                body = "{}".getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/api/v1/events", exchange -> {
            BlockingQueue<String> feed = new LinkedBlockingQueue<>();
            feeds.add(feed);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            subscribers.incrementAndGet();
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(":subscribed\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                while (true) {
                    String event = feed.poll(30, TimeUnit.SECONDS);
                    out.write((event == null ? ":heartbeat\n\n" : event).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // The subscriber went away or the stub stops.
            } finally {
                feeds.remove(feed);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    private static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyID(UUID.randomUUID().toString())
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A token as the registry issues it: for {@code audience}, on behalf of {@code sub}, optionally via actors. */
    String token(String audience, String sub, List<String> roles, String... actors) {
        return token(audience, sub, roles, Duration.ofMinutes(5), signing, actors);
    }

    String token(String audience, String sub, List<String> roles, Duration ttl, ECKey key, String... actors) {
        Instant now = clock.instant();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(url())
                .audience(List.of(audience))
                .subject(sub)
                .claim("name", sub.substring(sub.indexOf(':') + 1))
                .claim("roles", roles)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        Map<String, Object> act = null;
        for (int i = actors.length - 1; i >= 0; i--) {
            act = act == null ? Map.of("sub", actors[i]) : Map.of("sub", actors[i], "act", act);
        }
        if (act != null) {
            claims.claim("act", act);
        }
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.ES256)
                        .keyID(key.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims.build());
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Tokens for the invoker, as a token exchange would give them: the subject's key id names the subject. */
    AccessTokens accessTokens(String callerKeyId) {
        return (audience, subject) -> subject == null
                ? token(audience, "key:" + callerKeyId, List.of("service"))
                : token(audience, "key:" + subject.split("_")[1], List.of("client"), "key:" + callerKeyId);
    }

    /** A new signing key, published beside the old one (as after a rotation). */
    ECKey rotate() {
        ECKey next = newKey();
        published.add(next);
        signing = next;
        return next;
    }

    /** The key new tokens are signed with (private part included). */
    ECKey signingKey() {
        return signing;
    }

    /** A key the JWKS never publishes. */
    static ECKey unpublishedKey() {
        return newKey();
    }

    void jwksDown(boolean down) {
        jwksDown = down;
    }

    int jwksFetches() {
        return jwksFetches.get();
    }

    int openFeeds() {
        return feeds.size();
    }

    /** Publishes {@code key-revoked} to every open feed. */
    void revoke(String keyId) {
        long id = eventIds.incrementAndGet();
        String event = "id: " + id + "\nevent: key-revoked\ndata: {\"id\":" + id + ",\"type\":\"key-revoked\",\"at\":\""
                + clock.instant() + "\",\"keyId\":\"" + keyId + "\"}\n\n";
        feeds.forEach(feed -> feed.add(event));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
