package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Role;
import io.agentforge.testsupport.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool's inbound checks over real HTTP, against a JWKS served over real HTTP with ES256 keys made by Nimbus, and a
 * change feed publishing {@code key-revoked}. Time is a mutable clock.
 */
class TokenVerificationTests {

    static final String SERVICE_KEY = "af_sample01_sample-secret-0123456789";
    static final String CLIENT_KEY = "af_client01_client-secret-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> CLIENT = List.of("client");

    private static final MutableClock clock = MutableClock.startingNow();
    private static TestRegistryStub registry;
    private static ConfigurableApplicationContext tool;
    private static ConfigurableApplicationContext keyTool;

    @ToolTestApplication
    static class Tool {

        @Bean
        SampleTools sampleTools() {
            return new SampleTools();
        }

        @Bean
        Clock clock() {
            return clock;
        }

        /** Stands in for the registry's introspection endpoint (the af_ key path). */
        @Bean
        ApiKeyVerifier fakeVerifier() {
            return key -> key.equals(CLIENT_KEY)
                    ? new IntrospectionResult(true, "client01", "console", Set.of(Role.CLIENT))
                    : IntrospectionResult.inactive();
        }
    }

    private static ConfigurableApplicationContext start(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--spring.application.name=sample",
                // Registration off: the stub is no full registry. The client (and so the feed) is still made.
                "--agentforge.enabled=false",
                "--agentforge.registry-url=" + registry.url(),
                "--agentforge.api-key=" + SERVICE_KEY));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(Tool.class).run(args.toArray(String[]::new));
    }

    @BeforeAll
    static void startTools() {
        registry = new TestRegistryStub(clock);
        tool = start();
        keyTool = start("--agentforge.security.accept-api-keys=true");
        await().atMost(Duration.ofSeconds(20)).until(() -> registry.openFeeds() == 2);
    }

    @AfterAll
    static void stopTools() {
        tool.close();
        keyTool.close();
        registry.close();
    }

    private static HttpResponse<String> call(ConfigurableApplicationContext app, String function, String credential)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + app.getEnvironment().getProperty("local.server.port") + "/forge/functions/" + function))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        if (credential != null) {
            request.header("Authorization", "Bearer " + credential);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> call(String token) throws IOException, InterruptedException {
        return call(tool, "sample_caller", token);
    }

    private static String detail(HttpResponse<String> response) {
        JsonNode problem = JSON.readTree(response.body());
        return problem.path("detail").asString();
    }

    @Nested
    class Tokens {

        @Test
        void aTokenForThisServiceIsAcceptedAndTheToolSeesTheUserAndTheActors() throws Exception {
            HttpResponse<String> response =
                    call(registry.token("sample", "key:alice001", CLIENT, "key:agent0001", "key:console01"));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("\"key:alice001 via key:agent0001 via key:console01\"");
        }

        @Test
        void aTokenForAnotherServiceIsRefusedSayingWhichIsWhich() throws Exception {
            HttpResponse<String> response = call(registry.token("weather", "key:alice001", CLIENT));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(value -> assertThat(value).contains("invalid_token"));
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(detail(response)).startsWith("This token is for 'weather', this service is 'sample'");
        }

        @Test
        void anExpiredTokenIsRefusedAfterTheClockSkew() throws Exception {
            String token = registry.token("sample", "key:alice001", CLIENT, Duration.ofMinutes(1), currentKey());

            clock.advance(Duration.ofMinutes(1).plusSeconds(20));
            assertThat(call(token).statusCode()).isEqualTo(200);
            clock.advance(Duration.ofSeconds(11));
            HttpResponse<String> response = call(token);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(detail(response)).contains("The token expired at");
        }

        @Test
        void aTokenWithoutARoleIsRefused() throws Exception {
            HttpResponse<String> response = call(registry.token("sample", "key:alice001", List.of()));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(detail(response)).contains("no role");
        }

        @Test
        void aForgedSignatureIsRefused() throws Exception {
            // Same key id as the published key, other key material.
            var forger = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256)
                    .keyID(currentKey().getKeyID())
                    .generate();
            HttpResponse<String> response =
                    call(registry.token("sample", "key:alice001", CLIENT, Duration.ofMinutes(5), forger));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(detail(response)).contains("bad signature");
        }

        @Test
        void garbageIsRefused() throws Exception {
            HttpResponse<String> response = call("not.a.jwt");

            assertThat(response.statusCode()).isEqualTo(401);
        }

        @Test
        void noCredentialIsRefused() throws Exception {
            HttpResponse<String> response = call(null);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(detail(response)).contains("token is required");
        }
    }

    @Nested
    class SigningKeys {

        @Test
        void anUnknownKeyIdFetchesTheKeysAgainButAtMostEveryTenSeconds() throws Exception {
            clock.advance(Duration.ofSeconds(11));
            call(registry.token("sample", "key:alice001", CLIENT)); // keys loaded, last fetch now
            int fetches = registry.jwksFetches();

            String unpublished = registry.token(
                    "sample", "key:alice001", CLIENT, Duration.ofMinutes(5), TestRegistryStub.unpublishedKey());
            assertThat(call(unpublished).statusCode()).isEqualTo(401);
            assertThat(call(unpublished).statusCode()).isEqualTo(401);
            int afterUnknown = registry.jwksFetches();
            assertThat(afterUnknown - fetches).isLessThanOrEqualTo(1);

            var rotated = registry.rotate();
            clock.advance(Duration.ofSeconds(11));
            HttpResponse<String> response =
                    call(registry.token("sample", "key:alice001", CLIENT, Duration.ofMinutes(5), rotated));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(registry.jwksFetches()).isEqualTo(afterUnknown + 1);
        }

        @Test
        void whenTheKeysCannotBeFetchedTheCallIsRefusedAsUnavailable() throws Exception {
            registry.jwksDown(true);
            try {
                clock.advance(Duration.ofSeconds(11));
                String token = registry.token(
                        "sample", "key:alice001", CLIENT, Duration.ofMinutes(5), TestRegistryStub.unpublishedKey());

                HttpResponse<String> response = call(token);

                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(detail(response)).contains("signing keys");
            } finally {
                registry.jwksDown(false);
            }
        }
    }

    @Nested
    class ApiKeys {

        @Test
        void areRefusedByDefaultSayingWhatToDoInstead() throws Exception {
            HttpResponse<String> response = call(tool, "sample_whoami", CLIENT_KEY);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(detail(response))
                    .contains("API keys are not accepted here")
                    .contains("/oauth2/token");
            assertThat(response.body()).doesNotContain(CLIENT_KEY);
        }

        @Test
        void areAcceptedWhenTheServiceAllowsThem() throws Exception {
            HttpResponse<String> response = call(keyTool, "sample_whoami", CLIENT_KEY);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("\"console\"");
        }
    }

    @Nested
    class Revocation {

        @Test
        void aRevokedSubjectOrActorIsRefusedOnceTheFeedSaysSo() throws Exception {
            String asUser = registry.token("sample", "key:mallory1", CLIENT);
            String viaActor = registry.token("sample", "key:bob00001", CLIENT, "key:badagent1");
            String other = registry.token("sample", "key:alice001", CLIENT);
            assertThat(call(asUser).statusCode()).isEqualTo(200);
            assertThat(call(viaActor).statusCode()).isEqualTo(200);

            registry.revoke("mallory1");
            registry.revoke("badagent1");

            await().atMost(Duration.ofSeconds(10))
                    .until(() ->
                            call(asUser).statusCode() == 401 && call(viaActor).statusCode() == 401);
            assertThat(detail(call(asUser))).contains("mallory1").contains("revoked");
            assertThat(call(other).statusCode()).isEqualTo(200);
        }
    }

    private static com.nimbusds.jose.jwk.ECKey currentKey() {
        return registry.signingKey();
    }
}
