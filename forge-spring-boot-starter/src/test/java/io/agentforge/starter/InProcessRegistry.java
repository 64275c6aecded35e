package io.agentforge.starter;

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
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/** A real registry (in-memory store) in this JVM on a free loopback port, with an admin key for the test. */
final class InProcessRegistry implements AutoCloseable {

    static final String ADMIN_KEY = "af_startertest1_Starter-admin-secret_0123456789abcdef";

    private static final JsonMapper MAPPER = ForgeJacksonModule.mapper();

    private final ConfigurableApplicationContext context;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private InProcessRegistry(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static InProcessRegistry start() {
        return start(0);
    }

    /** Starts a registry on the given port (0: any free one), e.g. to restart one where its clients expect it. */
    static InProcessRegistry start(int port) {
        return new InProcessRegistry(new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=" + port,
                        "--server.address=127.0.0.1",
                        "--server.shutdown=immediate",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        // The starter is on this class path too; the registry must not try to register itself.
                        "--agentforge.enabled=false",
                        "--agentforge.security.enabled=false",
                        "--agentforge.registry.allow-loopback-endpoints=true",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY));
    }

    int port() {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    String url() {
        return "http://127.0.0.1:" + context.getEnvironment().getRequiredProperty("local.server.port");
    }

    /** A new key with these roles, made through the admin API; returns the secret. */
    String createKey(String name, Role... roles) throws IOException, InterruptedException {
        byte[] body = MAPPER.writeValueAsBytes(new ApiKeyRequest(
                name,
                EnumSet.copyOf(Set.of(roles)),
                anyScope(roles),
                anyScope(roles) == null ? null : Set.of(ServiceKind.TOOL, ServiceKind.AGENT)));
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(URI.create(url() + "/api/v1/keys"))
                        .header("Authorization", "Bearer " + ADMIN_KEY)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("Creating a key answered " + response.statusCode());
        }
        return MAPPER.readValue(response.body(), ApiKeyCreated.class).key();
    }

    @Override
    public void close() {
        http.close();
        context.close();
    }

    // Keys of tests that are not about scopes may register any name: one trailing-* glob per first letter.
    private static java.util.List<String> anyScope(Role... roles) {
        return Set.of(roles).contains(Role.SERVICE) && !Set.of(roles).contains(Role.ADMIN)
                ? IntStream.rangeClosed('a', 'z').mapToObj(c -> (char) c + "*").toList()
                : null;
    }
}
