package io.agentforge.registry.agentcard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.catalog.AgentCards;
import io.agentforge.registry.catalog.DiscoveryBodies;
import io.agentforge.registry.catalog.DiscoveryProperties;
import io.agentforge.registry.catalog.RegistryView;
import io.agentforge.registry.instance.EndpointPolicy;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.testsupport.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/**
 * Reads cards from a real HTTP server on loopback whose answers the tests set per agent. Run against each store: the
 * agents are registered through {@link #writer()} and the cards read by a fetcher on {@link #reader()}, which for
 * PostgreSQL is another replica's store on the same database.
 */
abstract class AgentCardFetcherContract {

    private static final String CARD = """
            {"name": "Planner", "description": "Plans trips", "version": "1.2.0",
             "supportedInterfaces": [{"url": "http://x/a2a", "protocolBinding": "JSONRPC", "protocolVersion": "1.0"}],
             "capabilities": {"streaming": true},
             "skills": [{"id": "plan", "name": "Plan a trip", "description": "Plans a trip", "tags": ["travel"]}]}
            """;

    protected final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private InstanceStore store;
    private InstanceStore reader;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AgentCards cards = new AgentCards();
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final AtomicInteger reads = new AtomicInteger();
    private HttpServer server;
    private RegistryView view;
    private AgentCardFetcher fetcher;

    private record Answer(int status, String body, String location) {}

    /** Where the tests register, change and remove agents. */
    protected abstract InstanceStore writer();

    /** The store of the replica whose fetcher reads the cards. */
    protected abstract InstanceStore reader();

    /** Lets the reading replica learn of the writes, as its change feed does (nothing to do with one store). */
    protected void settle() {}

    @BeforeEach
    void start() throws IOException {
        store = writer();
        reader = reader();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            reads.incrementAndGet();
            // /<agent>/.well-known/agent-card.json: each agent has its own base path on the one server.
            String agent = exchange.getRequestURI().getPath().split("/")[1];
            Answer answer = answers.getOrDefault(agent, new Answer(404, "", null));
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            if (answer.location() != null) {
                exchange.getResponseHeaders().add("Location", answer.location());
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        view = new RegistryView(reader, ForgeJacksonModule.mapper(), meters, cards);
        fetcher = fetcher(new EndpointPolicy(false, true, port -> false));
    }

    private AgentCardFetcher fetcher(EndpointPolicy policy) {
        return new AgentCardFetcher(
                view,
                reader,
                new AgentCardProperties(
                        true, Duration.ofSeconds(2), DataSize.ofKilobytes(4), Duration.ofMinutes(5), 16),
                policy,
                clock,
                ForgeJacksonModule.mapper());
    }

    @AfterEach
    void stop() {
        fetcher.destroy();
        server.stop(0);
    }

    private String endpoint(String agent) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + agent;
    }

    private void register(String instanceId, String agent) {
        ServiceRegistration registration = io.agentforge.registry.api.Registrations.agent(agent)
                .instanceId(instanceId)
                .endpoint(endpoint(agent))
                .description("An agent")
                .build();
        store.register(registration, "key", clock.instant());
        settle();
    }

    private void refresh() throws Exception {
        fetcher.refreshDue().get(10, TimeUnit.SECONDS);
    }

    private RegisteredService listed(String agent) {
        return view.services(agent, ServiceKind.AGENT, null, null).getFirst();
    }

    @Test
    void aValidCardIsListedWithTheAgentAndItsSkills() throws Exception {
        answers.put("planner", new Answer(200, CARD, null));
        register("planner-1", "planner");

        refresh();

        RegisteredService planner = listed("planner");
        assertThat(planner.agentCardUrl()).isEqualTo(endpoint("planner") + "/.well-known/agent-card.json");
        assertThat(planner.agentCardError()).isNull();
        assertThat(planner.agentCard()).containsEntry("name", "Planner");
        assertThat((List<?>) planner.agentCard().get("skills"))
                .singleElement()
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("id", "plan")
                .containsEntry("tags", List.of("travel"));
        assertThat(planner.agentCardFetchedAt()).isEqualTo(clock.instant());
    }

    @Test
    void toolsCarryNoCardFields() throws Exception {
        store.register(
                io.agentforge.registry.api.Registrations.tool("calc")
                        .instanceId("calc-1")
                        .build(),
                "key",
                clock.instant());
        settle();
        refresh();
        RegisteredService calc = view.services("calc", null, null, null).getFirst();
        assertThat(calc.agentCardUrl()).isNull();
        assertThat(calc.agentCard()).isNull();
        assertThat(reads).hasValue(0);
    }

    @Test
    void aMissingCardLeavesTheAgentListedWithTheReason() throws Exception {
        register("lost-1", "lost");

        refresh();

        RegisteredService lost = listed("lost");
        assertThat(lost.instances()).hasSize(1);
        assertThat(lost.agentCard()).isNull();
        assertThat(lost.agentCardUrl()).endsWith("/lost/.well-known/agent-card.json");
        assertThat(lost.agentCardError()).isEqualTo("HTTP 404 from the card URL");
    }

    @Test
    void invalidCardsAreRefusedWithTheirReason() throws Exception {
        answers.put("array", new Answer(200, "[1, 2]", null));
        answers.put("garbage", new Answer(200, "<html>not json</html>", null));
        answers.put("nameless", new Answer(200, "{\"description\": \"no name\"}", null));
        answers.put("skillful", new Answer(200, "{\"name\": \"x\", \"skills\": \"all of them\"}", null));
        answers.put("huge", new Answer(200, "{\"name\": \"x\", \"pad\": \"" + "a".repeat(5000) + "\"}", null));
        answers.put("moved", new Answer(302, "", "http://169.254.169.254/latest/meta-data"));
        for (String agent : List.of("array", "garbage", "nameless", "skillful", "huge", "moved")) {
            register(agent + "-1", agent);
        }

        refresh();

        assertThat(listed("array").agentCardError()).startsWith("the card is not a JSON object");
        assertThat(listed("garbage").agentCardError()).startsWith("the card is not a JSON object");
        assertThat(listed("nameless").agentCardError()).isEqualTo("the card has no 'name' (a non-empty string)");
        assertThat(listed("skillful").agentCardError()).isEqualTo("the card's 'skills' is not an array");
        assertThat(listed("huge").agentCardError()).isEqualTo("the card is larger than 4096 bytes");
        // Redirects are not followed: a card never leaves the endpoint's host.
        assertThat(listed("moved").agentCardError()).isEqualTo("HTTP 302 from the card URL");
        for (String agent : List.of("array", "garbage", "nameless", "skillful", "huge", "moved")) {
            assertThat(listed(agent).agentCard()).as(agent).isNull();
            assertThat(listed(agent).instances()).as(agent).hasSize(1);
        }
    }

    @Test
    void anEndpointThePolicyRefusesIsNeverRead() throws Exception {
        fetcher.destroy();
        fetcher = fetcher(new EndpointPolicy(false, false, port -> false));
        answers.put("planner", new Answer(200, CARD, null));
        register("planner-1", "planner");

        refresh();

        assertThat(listed("planner").agentCardError()).startsWith("refused: 127.0.0.1 resolves to");
        assertThat(reads).hasValue(0);
    }

    @Test
    void aReRegistrationReadsTheCardAgainAndAFailedRefreshKeepsTheLastGoodCard() throws Exception {
        answers.put("planner", new Answer(200, CARD, null));
        register("planner-1", "planner");
        refresh();
        refresh(); // nothing due: neither re-registered nor old
        assertThat(reads).hasValue(1);

        answers.put("planner", new Answer(200, CARD.replace("Planner", "Planner Two"), null));
        register("planner-1", "planner");
        refresh();
        assertThat(reads).hasValue(2);
        assertThat(listed("planner").agentCard()).containsEntry("name", "Planner Two");

        answers.put("planner", new Answer(500, "", null));
        clock.advance(Duration.ofMinutes(5));
        refresh();
        assertThat(reads).hasValue(3);
        assertThat(listed("planner").agentCard()).containsEntry("name", "Planner Two");
        assertThat(listed("planner").agentCardError()).isEqualTo("HTTP 500 from the card URL");
    }

    @Test
    void anAgentThatBecomesUpIsReadAndADeregisteredOneForgotten() throws Exception {
        answers.put("planner", new Answer(200, CARD, null));
        register("planner-1", "planner");
        store.changeStatus("planner-1", InstanceStatus.DOWN, clock.instant());
        settle();
        refresh();
        assertThat(reads).hasValue(0);
        assertThat(listed("planner").agentCardUrl()).isNull();

        store.changeStatus("planner-1", InstanceStatus.UP, clock.instant());
        settle();
        refresh();
        assertThat(listed("planner").agentCard()).containsEntry("name", "Planner");

        store.deregister("planner-1", clock.instant());
        settle();
        refresh();
        assertThat(cards.card("planner")).isEmpty();
    }

    @Test
    void aNewCardChangesTheCachedDiscoveryAnswerAndItsEtag() throws Exception {
        try (DiscoveryBodies bodies = new DiscoveryBodies(
                view, ForgeJacksonModule.mapper(), clock, new DiscoveryProperties(Duration.ofSeconds(10), 1000))) {
            answers.put("planner", new Answer(200, CARD, null));
            register("planner-1", "planner");
            DiscoveryBodies.Body before = bodies.services("planner", null);
            assertThat(new String(before.json(), StandardCharsets.UTF_8)).doesNotContain("agentCard");

            refresh();

            DiscoveryBodies.Body after = bodies.services("planner", null);
            assertThat(after.etag()).isNotEqualTo(before.etag());
            assertThat(new String(after.json(), StandardCharsets.UTF_8))
                    .contains("\"agentCard\":{\"name\":\"Planner\"")
                    .contains("\"agentCardUrl\":\"" + endpoint("planner") + "/.well-known/agent-card.json\"");
            // A refresh that finds the same card keeps the answer (and its ETag).
            clock.advance(Duration.ofMinutes(5));
            refresh();
            assertThat(bodies.services("planner", null).etag()).isEqualTo(after.etag());
        }
    }
}
