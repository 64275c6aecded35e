package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.CatalogResult;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.ToolInvocationException;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.JsonNode;

/**
 * A tool built on the starter against a real registry: registers, is discovered and called, and leaves. The tokens
 * come from {@link TestRegistryStub} (whose JWKS the tool trusts), so this test does not depend on the registry's
 * token endpoint; the token exchange itself is covered in forge-client and forge-e2e.
 */
class RegistryRoundTripTests {

    private static InProcessRegistry registry;
    private static TestRegistryStub tokens;
    private static String serviceKey;
    private static String clientKey;

    @ToolTestApplication
    static class Greeter {

        @Bean
        GreeterTools greeterTools() {
            return new GreeterTools();
        }
    }

    static class GreeterTools {

        @Tool(name = "greeter_say", description = "Greets someone by name")
        String say(@ToolParam(description = "Who to greet") String name) {
            return "Hello, " + name;
        }
    }

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = InProcessRegistry.start();
        tokens = new TestRegistryStub(Clock.systemUTC());
        serviceKey = registry.createKey("greeter", Role.SERVICE);
        clientKey = registry.createKey("caller", Role.CLIENT);
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
        tokens.close();
    }

    private static ConfigurableApplicationContext startGreeter() {
        return new SpringApplicationBuilder(Greeter.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        "--agentforge.registry-url=" + registry.url(),
                        "--agentforge.api-key=" + serviceKey,
                        "--agentforge.service.name=greeter",
                        "--agentforge.security.jwks-uri=" + tokens.url() + "/oauth2/jwks",
                        "--agentforge.service.description=Says hello",
                        "--agentforge.service.capabilities=greeting");
    }

    private static Optional<CatalogFunction> published(HttpRegistryClient client, String name) {
        Catalog catalog = ((CatalogResult.Modified) client.catalog(null)).catalog();
        return catalog.functions().stream().filter(f -> f.name().equals(name)).findFirst();
    }

    @Test
    void aToolRegistersIsCalledThroughTheRegistryAndLeavesWhenItStops() throws Exception {
        try (HttpRegistryClient client = new HttpRegistryClient(ForgeClientSettings.of(registry.url(), clientKey))) {
            ConfigurableApplicationContext greeter = startGreeter();
            String instanceId;
            try {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> published(client, "greeter_say").isPresent());
                CatalogFunction function = published(client, "greeter_say").orElseThrow();
                assertThat(function.service()).isEqualTo("greeter");
                assertThat(function.description()).isEqualTo("Greets someone by name");
                assertThat(function.inputSchema())
                        .containsEntry("type", "object")
                        .containsEntry("required", List.of("name"))
                        .containsEntry(
                                "properties", Map.of("name", Map.of("type", "string", "description", "Who to greet")));

                ForgeServiceRegistrar registrar = greeter.getBean(ForgeServiceRegistrar.class);
                instanceId = registrar.registration().orElseThrow().instanceId();
                String port = greeter.getEnvironment().getRequiredProperty("local.server.port");
                assertThat(client.instance(instanceId).orElseThrow().endpoint()).isEqualTo("http://127.0.0.1:" + port);

                // Tomcat refuses an encoded slash itself; the answer is still a problem, not an HTML page.
                HttpResponse<String> refused = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + port + "/forge/functions/..%2Fx"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(refused.statusCode()).isEqualTo(400);
                assertThat(refused.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(refused.body())
                        .contains("\"type\":\"urn:agentforge:problem:malformed-request\"", "\"title\":\"Bad Request\"");

                try (DiscoveryCache discovery = new DiscoveryCache(client, Clock.systemUTC()).start();
                        FunctionInvoker invoker = new FunctionInvoker(
                                discovery,
                                InvokerSettings.defaults(),
                                tokens.accessTokens("caller01"),
                                new OutboundPolicy(true, false, List.of()),
                                Clock.systemUTC());
                        FunctionInvoker misaddressed = new FunctionInvoker(
                                discovery,
                                InvokerSettings.defaults(),
                                (audience, subject) -> tokens.token("weather", "key:caller01", List.of("client")),
                                new OutboundPolicy(true, false, List.of()),
                                Clock.systemUTC())) {
                    assertThat(discovery.awaitCatalog(Duration.ofSeconds(10))).isTrue();
                    JsonNode answer = invoker.invoke("greeter_say", Map.of("name", "Ada"), clientKey);
                    assertThat(answer.asString()).isEqualTo("Hello, Ada");

                    assertThatExceptionOfType(ToolInvocationException.class)
                            .isThrownBy(() -> invoker.invoke("greeter_say", Map.of("name", 7), clientKey))
                            .satisfies(e -> assertThat(e.status()).isEqualTo(400))
                            .satisfies(e ->
                                    assertThat(e.problem().is("validation")).isTrue());
                    // A token for another audience is useless here.
                    assertThatExceptionOfType(ToolInvocationException.class)
                            .isThrownBy(() -> misaddressed.invoke("greeter_say", Map.of("name", "Ada"), clientKey))
                            .satisfies(e -> assertThat(e.status()).isEqualTo(401))
                            .satisfies(e -> assertThat(e.problem().detail()).contains("this service is 'greeter'"));
                }
            } finally {
                greeter.close();
            }
            assertThat(client.instance(instanceId)).isEmpty();
            assertThat(published(client, "greeter_say")).isEmpty();
        }
    }
}
