package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.CatalogResult;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Two instances of one starter-based tool: calls are spread over both, and after the registry restarts (memory
 * store, so it forgets everything) both instances register again on their own.
 */
class LoadBalancingAndRestartTests {

    private static InProcessRegistry registry;
    private static TestRegistryStub tokens;
    private static ConfigurableApplicationContext first;
    private static ConfigurableApplicationContext second;

    @ToolTestApplication
    static class Echo {

        @Bean
        EchoTools echoTools(Environment environment) {
            return new EchoTools(environment);
        }
    }

    static class EchoTools {

        private final Environment environment;

        EchoTools(Environment environment) {
            this.environment = environment;
        }

        @Tool(name = "echo_where", description = "Tells which instance answered")
        String where() {
            return environment.getProperty("local.server.port");
        }
    }

    @BeforeAll
    static void start() {
        registry = InProcessRegistry.start();
        tokens = new TestRegistryStub(Clock.systemUTC());
        first = echo();
        second = echo();
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
        registry.close();
        tokens.close();
    }

    // The memory store forgets keys on restart except the bootstrap admin key, so the instances use that one.
    private static ConfigurableApplicationContext echo() {
        return new SpringApplicationBuilder(Echo.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        "--agentforge.registry-url=" + registry.url(),
                        "--agentforge.api-key=" + InProcessRegistry.ADMIN_KEY,
                        "--agentforge.service.name=echo",
                        "--agentforge.lease-duration=5s",
                        "--agentforge.security.jwks-uri=" + tokens.url() + "/oauth2/jwks");
    }

    private static HttpRegistryClient client() {
        return new HttpRegistryClient(ForgeClientSettings.of(registry.url(), InProcessRegistry.ADMIN_KEY));
    }

    private static int instancesInCatalog(HttpRegistryClient client) {
        return ((CatalogResult.Modified) client.catalog(null))
                .catalog().services().stream()
                        .filter(s -> s.name().equals("echo"))
                        .mapToInt(s -> s.instances().size())
                        .sum();
    }

    @Test
    void callsAreSpreadOverBothInstancesAndBothComeBackAfterARegistryRestart() {
        try (HttpRegistryClient client = client()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> instancesInCatalog(client) == 2);
            try (DiscoveryCache discovery = new DiscoveryCache(client, Clock.systemUTC()).start();
                    FunctionInvoker invoker = new FunctionInvoker(
                            discovery,
                            InvokerSettings.defaults(),
                            tokens.accessTokens("startertest1"),
                            new OutboundPolicy(true, false, List.of()),
                            Clock.systemUTC())) {
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> discovery.endpoints("echo").size() == 2);
                Set<String> answeredBy = new HashSet<>();
                for (int i = 0; i < 6; i++) {
                    answeredBy.add(invoker.invoke("echo_where", Map.of(), null).asString());
                }
                assertThat(answeredBy)
                        .containsExactlyInAnyOrder(
                                first.getEnvironment().getProperty("local.server.port"),
                                second.getEnvironment().getProperty("local.server.port"));
            }
        }

        int port = registry.port();
        registry.close();
        java.time.Instant restarted = java.time.Instant.now();
        registry = InProcessRegistry.start(port);

        try (HttpRegistryClient client = client()) {
            // The fresh registry knows nothing: each instance's next renewal gets 404 and it registers again.
            await().atMost(Duration.ofSeconds(30)).until(() -> instancesInCatalog(client) == 2);
            assertThat(client.services(new io.agentforge.client.ServiceQuery("echo", null, null, null))
                            .getFirst()
                            .instances())
                    .allSatisfy(i -> assertThat(i.registeredAt()).isAfter(restarted));
        }
    }
}
