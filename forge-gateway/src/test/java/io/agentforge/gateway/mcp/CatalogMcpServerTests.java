package io.agentforge.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.CatalogResult;
import io.agentforge.client.ChangeFeedListener;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FeedSubscription;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceRegistration;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's tools follow the discovery cache: added, replaced in place when they change, removed when gone. */
class CatalogMcpServerTests {

    private final CatalogRegistry registry = new CatalogRegistry();
    private DiscoveryCache discovery;
    private FunctionInvoker invoker;
    private CatalogMcpServer server;

    @BeforeEach
    void start() throws InterruptedException {
        registry.catalog = catalog(1, function("calc_add", "Adds"), function("calc_sub", "Subtracts"));
        discovery = new DiscoveryCache(registry, Clock.systemUTC()).start();
        assertThat(discovery.awaitCatalog(Duration.ofSeconds(10))).isTrue();
        invoker = new FunctionInvoker(
                discovery,
                InvokerSettings.defaults(),
                (audience, subject) -> "token",
                new OutboundPolicy(true, false, List.of()),
                Clock.systemUTC());
        server = new CatalogMcpServer(discovery, invoker, "test");
    }

    @AfterEach
    void stop() {
        server.close();
        invoker.close();
        discovery.close();
    }

    @Test
    void theToolsAreTheCatalogsFunctionsWithTheirSchemas() {
        server.sync();

        assertThat(descriptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of("calc_add", "Adds", "calc_sub", "Subtracts"));
        assertThat(server.tools().getFirst().inputSchema())
                .isEqualTo(Map.of("type", "object", "properties", Map.of("a", Map.of("type", "number"))));
    }

    @Test
    void aChangeOfTheCatalogAddsReplacesAndRemovesTools() {
        server.sync();

        change(catalog(2, function("calc_add", "Adds exactly"), function("calc_mul", "Multiplies")));
        server.sync();

        assertThat(descriptions())
                .containsExactlyInAnyOrderEntriesOf(Map.of("calc_add", "Adds exactly", "calc_mul", "Multiplies"));
        assertThat(server.size()).isEqualTo(2);
    }

    @Test
    void anEmptyCatalogLeavesNoTools() {
        server.sync();

        change(catalog(3));
        server.sync();

        assertThat(server.tools()).isEmpty();
    }

    private void change(Catalog next) {
        registry.catalog = next;
        registry.listener.onReset(next.eventId());
        await().atMost(Duration.ofSeconds(10)).until(() -> discovery.catalog() == next);
    }

    private Map<String, String> descriptions() {
        return server.tools().stream().collect(Collectors.toMap(McpSchema.Tool::name, McpSchema.Tool::description));
    }

    private static CatalogFunction function(String name, String description) {
        return new CatalogFunction(
                name,
                description,
                Map.of("type", "object", "properties", Map.of("a", Map.of("type", "number"))),
                null,
                "calc");
    }

    private static Catalog catalog(long eventId, CatalogFunction... functions) {
        List<CatalogService> services = functions.length == 0
                ? List.of()
                : List.of(new CatalogService(
                        "calc", "1", "calc", List.of(new CatalogEndpoint("calc-1", "http://127.0.0.1:9", Map.of()))));
        return new Catalog(
                eventId,
                List.of(functions),
                services,
                Arrays.stream(functions).collect(Collectors.toMap(CatalogFunction::name, CatalogFunction::service)));
    }

    /** A registry that serves a settable catalog and keeps the feed listener, so a test can announce changes. */
    private static final class CatalogRegistry implements RegistryClient {

        volatile Catalog catalog;
        volatile ChangeFeedListener listener;

        @Override
        public CatalogResult catalog(@Nullable String etag) {
            return new CatalogResult.Modified(catalog, null);
        }

        @Override
        public FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener) {
            this.listener = listener;
            return new FeedSubscription() {
                private volatile boolean open = true;

                @Override
                public boolean isOpen() {
                    return open;
                }

                @Override
                public long lastEventId() {
                    return catalog.eventId();
                }

                @Override
                public void close() {
                    open = false;
                }
            };
        }

        @Override
        public Instance register(ServiceRegistration registration) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Lease renew(String instanceId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deregister(String instanceId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Instance> instance(String instanceId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<RegisteredService> services(ServiceQuery query) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RegistryStatus status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public IntrospectionResult introspect(String key) {
            throw new UnsupportedOperationException();
        }
    }
}
