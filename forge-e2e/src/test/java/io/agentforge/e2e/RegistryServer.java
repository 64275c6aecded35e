package io.agentforge.e2e;

import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.registry.RegistryApplication;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/** A real registry (in-memory store) running in this JVM on a free loopback port, with an admin key for the test. */
final class RegistryServer implements AutoCloseable {

    static final String ADMIN_KEY = "af_e2eadmin01_E2e-admin-secret_0123456789abcdefXYZ";
    static final String ALLOW_LOOPBACK = "agentforge.registry.allow-loopback-endpoints";

    private static final JsonMapper MAPPER = ForgeJacksonModule.mapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final ConfigurableApplicationContext context;
    private final int port;

    private RegistryServer(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    /** Starts a registry on a free port. */
    static RegistryServer start() {
        return start(0);
    }

    /** Starts a registry on the given port (0: a free one), e.g. to restart one where clients expect it. */
    static RegistryServer start(int port, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--server.shutdown=immediate",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--agentforge.registry.security.admin-key=" + ADMIN_KEY));
        if (Arrays.stream(extraArgs).noneMatch(arg -> arg.startsWith("--" + ALLOW_LOOPBACK + "="))) {
            // The tests' tools and services listen on loopback, as with ./forge up.
            args.add("--" + ALLOW_LOOPBACK + "=true");
        }
        args.addAll(List.of(extraArgs));
        return new RegistryServer(
                new SpringApplicationBuilder(RegistryApplication.class).run(args.toArray(String[]::new)));
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A client of this registry using the given key. */
    HttpRegistryClient client(String key) {
        return new HttpRegistryClient(
                new ForgeClientSettings(URI.create(url()), key, Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }

    /** A new API key with these roles, created through the admin API. */
    ApiKeyCreated createKey(String name, Role... roles) {
        byte[] body = MAPPER.writeValueAsBytes(new ApiKeyRequest(
                name,
                EnumSet.copyOf(Set.of(roles)),
                anyScope(roles),
                anyScope(roles) == null ? null : Set.of(ServiceKind.TOOL, ServiceKind.AGENT)));
        HttpResponse<byte[]> response = admin(HttpRequest.newBuilder(URI.create(url() + "/api/v1/keys"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Creating a key answered " + response.statusCode());
        }
        return MAPPER.readValue(response.body(), ApiKeyCreated.class);
    }

    /** A service key scoped to these names (or trailing-{@code *} globs) and kinds, as an operator creates one. */
    ApiKeyCreated createServiceKey(String name, List<String> services, ServiceKind... kinds) {
        byte[] body = MAPPER.writeValueAsBytes(
                new ApiKeyRequest(name, EnumSet.of(Role.SERVICE), services, EnumSet.copyOf(Set.of(kinds))));
        HttpResponse<byte[]> response = admin(HttpRequest.newBuilder(URI.create(url() + "/api/v1/keys"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Creating a key answered " + response.statusCode());
        }
        return MAPPER.readValue(response.body(), ApiKeyCreated.class);
    }

    /** Rotates the token signing key through the admin API. */
    void rotateSigningKey() {
        HttpResponse<byte[]> response = admin(HttpRequest.newBuilder(URI.create(url() + "/api/v1/signing-keys/rotate"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("Rotating the signing key answered " + response.statusCode());
        }
    }

    void revokeKey(String keyId) {
        HttpResponse<byte[]> response = admin(HttpRequest.newBuilder(URI.create(url() + "/api/v1/keys/" + keyId))
                .DELETE());
        if (response.statusCode() != 204) {
            throw new IllegalStateException("Revoking a key answered " + response.statusCode());
        }
    }

    private static HttpResponse<byte[]> admin(HttpRequest.Builder request) {
        try {
            return HTTP.send(
                    request.header("Authorization", "Bearer " + ADMIN_KEY)
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    boolean isRunning() {
        return context.isRunning();
    }

    @Override
    public void close() {
        context.close();
    }

    // Keys of tests that are not about scopes may register any name: one trailing-* glob per first letter.
    private static java.util.List<String> anyScope(Role... roles) {
        return Set.of(roles).contains(Role.SERVICE) && !Set.of(roles).contains(Role.ADMIN)
                ? IntStream.rangeClosed('a', 'z').mapToObj(c -> (char) c + "*").toList()
                : null;
    }
}
