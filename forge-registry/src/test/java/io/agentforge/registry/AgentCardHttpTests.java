package io.agentforge.registry;

import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.registry.agentcard.AgentCardFetcher;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.LoopbackRegistryTest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/** Agents registered over HTTP whose A2A cards a real HTTP server on loopback serves, listed with their cards. */
@LoopbackRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentCardHttpTests {

    private static final String CARD = """
            {"name": "Trip planner", "description": "Plans trips", "version": "2.0.0",
             "supportedInterfaces": [{"url": "http://127.0.0.1/a2a", "protocolBinding": "JSONRPC",
                                      "protocolVersion": "1.0"}],
             "capabilities": {"streaming": true},
             "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
             "skills": [{"id": "plan-trip", "name": "Plan a trip", "description": "Plans a trip end to end",
                         "tags": ["travel", "planning"]}]}
            """;

    @LocalServerPort
    int port;

    @Autowired
    AgentCardFetcher fetcher;

    Http http;
    HttpServer agents;

    @BeforeAll
    void start() throws IOException {
        http = new Http("http://127.0.0.1:" + port);
        agents = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        agents.createContext("/", exchange -> {
            boolean planner = exchange.getRequestURI().getPath().equals("/planner/.well-known/agent-card.json");
            byte[] body = planner ? CARD.getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(planner ? 200 : 404, planner ? body.length : -1);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        agents.start();
    }

    @AfterAll
    void stop() {
        agents.stop(0);
    }

    private String endpoint(String path) {
        return "http://127.0.0.1:" + agents.getAddress().getPort() + path;
    }

    private void register(ServiceRegistration registration) {
        Http.Response response = http.post("/api/v1/instances", ADMIN_KEY, registration);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    private static JsonNode service(JsonNode services, String name) {
        for (JsonNode service : services) {
            if (service.get("name").asString().equals(name)) {
                return service;
            }
        }
        throw new AssertionError(name + " is not listed in " + services);
    }

    @Test
    void agentsAreListedWithTheirCardsAndSkillsOrWithWhyTheCardIsMissing() throws Exception {
        register(io.agentforge.registry.api.Registrations.agent("card-planner")
                .instanceId("card-planner-1")
                .endpoint(endpoint("/planner"))
                .build());
        register(io.agentforge.registry.api.Registrations.agent("card-cardless")
                .instanceId("card-cardless-1")
                .endpoint(endpoint("/cardless"))
                .build());
        register(io.agentforge.registry.api.Registrations.tool("card-tool")
                .instanceId("card-tool-1")
                .endpoint(endpoint("/tool"))
                .functions("card_tool_run")
                .build());
        Http.Response before = http.get("/api/v1/services?name=card-planner", ADMIN_KEY);
        assertThat(before.body()).doesNotContain("agentCard");

        fetcher.refreshDue().get(10, TimeUnit.SECONDS);

        JsonNode agentList = http.get("/api/v1/services?kind=AGENT", ADMIN_KEY).json();
        JsonNode planner = service(agentList, "card-planner");
        assertThat(planner.get("agentCardUrl").asString()).isEqualTo(endpoint("/planner/.well-known/agent-card.json"));
        assertThat(planner.get("agentCard").get("name").asString()).isEqualTo("Trip planner");
        JsonNode skill = planner.get("agentCard").get("skills").get(0);
        assertThat(skill.get("id").asString()).isEqualTo("plan-trip");
        assertThat(skill.get("tags").toString()).isEqualTo("[\"travel\",\"planning\"]");
        assertThat(planner.has("agentCardError")).isFalse();
        assertThat(planner.get("agentCardFetchedAt").asString()).isNotBlank();

        JsonNode cardless = service(agentList, "card-cardless");
        assertThat(cardless.get("instances")).hasSize(1);
        assertThat(cardless.has("agentCard")).isFalse();
        assertThat(cardless.get("agentCardError").asString()).isEqualTo("HTTP 404 from the card URL");

        JsonNode tool =
                service(http.get("/api/v1/services?kind=TOOL", ADMIN_KEY).json(), "card-tool");
        assertThat(tool.has("agentCardUrl")).isFalse();
        assertThat(tool.has("agentCard")).isFalse();

        // The cached single-service answer carries the card too, under a new ETag.
        Http.Response after =
                http.get("/api/v1/services?name=card-planner", ADMIN_KEY, "If-None-Match", before.header("ETag"));
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.header("ETag")).isNotEqualTo(before.header("ETag"));
        assertThat(service(after.json(), "card-planner").get("agentCard").get("skills"))
                .hasSize(1);
        assertThat(http.get("/api/v1/services?name=card-planner", ADMIN_KEY, "If-None-Match", after.header("ETag"))
                        .status())
                .isEqualTo(304);
    }
}
