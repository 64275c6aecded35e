package io.agentforge.gateway.mcp;

import static io.agentforge.gateway.mcp.CatalogMcpServerTests.catalog;
import static io.agentforge.gateway.mcp.CatalogMcpServerTests.function;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Role;
import io.agentforge.starter.ForgeCaller;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The gateway's GET stream: who may open one, and that it says "list changed" exactly when the caller's list did. */
class ToolListChangedStreamsTests {

    private static final String SCOPE = "test.scope";

    private final CatalogRegistry registry = new CatalogRegistry();
    private DiscoveryCache discovery;
    private FunctionInvoker invoker;
    private CatalogMcpServer server;
    private ToolListChangedStreams streams;

    @BeforeEach
    void start() throws InterruptedException {
        registry.catalog = catalog(1, function("calc_add", "Adds"));
        discovery = new DiscoveryCache(registry, Clock.systemUTC()).start();
        assertThat(discovery.awaitCatalog(Duration.ofSeconds(10))).isTrue();
        invoker = new FunctionInvoker(
                discovery,
                InvokerSettings.defaults(),
                (audience, subject) -> "token",
                new OutboundPolicy(true, false, List.of()),
                Clock.systemUTC());
        server = new CatalogMcpServer(discovery, invoker, "test");
        streams = new ToolListChangedStreams(
                server,
                request -> (CallerScope) request.getAttribute(SCOPE),
                new ToolListChangedStreams.Settings(Duration.ofMillis(10), Duration.ofSeconds(30), 3, 2));
    }

    @AfterEach
    void stop() {
        streams.close();
        server.close();
        invoker.close();
        discovery.close();
    }

    @Test
    void aStreamIsToldWhenTheToolsItsCallerSeesChangeAndOnlyThen() throws Exception {
        MockHttpServletResponse abacusOnly = open("key:abacus", CallerScope.of(List.of("abacus")));
        MockHttpServletResponse everything = open("key:all", CallerScope.ALL);
        assertThat(abacusOnly.getContentType()).startsWith("text/event-stream");

        change(catalog(2, function("calc_add", "Adds"), function("calc_mul", "Multiplies")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> everything.getContentAsString().contains("list_changed"));
        change(catalog(
                3,
                function("calc_add", "Adds"),
                function("calc_mul", "Multiplies"),
                function("abacus_count", "Counts", "abacus")));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> abacusOnly.getContentAsString().contains("list_changed"));
        await().atMost(Duration.ofSeconds(10)).until(() -> count(everything.getContentAsString(), "list_changed") == 2);
        // The calculator's change was not the abacus caller's business: one signal, for its own change.
        assertThat(count(abacusOnly.getContentAsString(), "list_changed")).isEqualTo(1);
        assertThat(abacusOnly.getContentAsString())
                .contains("event: message\ndata: " + ToolListChangedStreams.NOTIFICATION + "\n\n");
    }

    @Test
    void aGetThatDoesNotAcceptAnEventStreamIsNotAcceptable() throws Exception {
        MockHttpServletRequest request = request("key:a", CallerScope.ALL);
        request.removeHeader("Accept");
        request.addHeader("Accept", "application/json");
        MockHttpServletResponse response = new MockHttpServletResponse();

        streams.doFilter(request, response, new MockFilterChain());

        assertThat(response.getStatus()).isEqualTo(406);
        assertThat(response.getContentType()).startsWith("application/problem+json");
        assertThat(streams.size()).isZero();
    }

    @Test
    void anUnsupportedProtocolVersionIsABadRequest() throws Exception {
        MockHttpServletRequest request = request("key:a", CallerScope.ALL);
        request.addHeader("MCP-Protocol-Version", "2026-07-28");
        MockHttpServletResponse response = new MockHttpServletResponse();

        streams.doFilter(request, response, new MockFilterChain());

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getContentAsString()).contains("2025-11-25");
    }

    @Test
    void streamsBeyondTheLimitsAreTooManyRequests() throws Exception {
        open("key:a", CallerScope.ALL);
        open("key:a", CallerScope.ALL);
        MockHttpServletResponse third = new MockHttpServletResponse();
        streams.doFilter(request("key:a", CallerScope.ALL), third, new MockFilterChain());
        open("key:b", CallerScope.ALL);
        MockHttpServletResponse fourth = new MockHttpServletResponse();
        streams.doFilter(request("key:c", CallerScope.ALL), fourth, new MockFilterChain());

        assertThat(third.getStatus()).isEqualTo(429);
        assertThat(third.getHeader("Retry-After")).isNotBlank();
        assertThat(fourth.getStatus()).isEqualTo(429);
        assertThat(streams.size()).isEqualTo(3);
    }

    @Test
    void postsPassOnToTheMessageLane() throws Exception {
        MockHttpServletRequest request = request("key:a", CallerScope.ALL);
        request.setMethod("POST");
        MockFilterChain chain = new MockFilterChain();

        streams.doFilter(request, new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest()).isSameAs(request);
    }

    private MockHttpServletResponse open(String principal, CallerScope scope) throws Exception {
        MockHttpServletRequest request = request(principal, scope);
        MockHttpServletResponse response = new MockHttpServletResponse();
        streams.doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(request.isAsyncStarted()).isTrue();
        return response;
    }

    private static MockHttpServletRequest request(String principal, CallerScope scope) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/mcp");
        request.setAsyncSupported(true);
        request.addHeader("Accept", "text/event-stream");
        request.setAttribute(SCOPE, scope);
        request.setAttribute(ForgeCaller.ATTRIBUTE, new ForgeCaller(principal, "", Set.of(Role.CLIENT), List.of()));
        return request;
    }

    private void change(Catalog next) {
        registry.catalog = next;
        registry.listener.onReset(next.eventId());
        await().atMost(Duration.ofSeconds(10)).until(() -> discovery.catalog() == next);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
