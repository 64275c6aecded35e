package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.tool;
import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.SseSubscription;
import io.agentforge.registry.support.TestRegistryConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

/** The per-key and total limits, over real HTTP, with limits small enough to reach. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "agentforge.registry.security.admin-key=" + ADMIN_KEY,
            "agentforge.registry.limits.instances-per-key=2",
            "agentforge.registry.limits.subscribers-per-key=2",
            "agentforge.registry.limits.subscribers=3",
            "agentforge.registry.lease.sweep-interval=1h",
            "agentforge.registry.health.tick=1h"
        })
@Import(TestRegistryConfiguration.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsHttpTests {

    @LocalServerPort
    int port;

    Http http;

    @BeforeAll
    void client() {
        http = new Http("http://127.0.0.1:" + port);
    }

    String key(String name, String... roles) {
        Map<String, Object> request = List.of(roles).contains("service")
                ? Map.of("name", name, "roles", List.of(roles), "services", List.of("lim-*"))
                : Map.of("name", name, "roles", List.of(roles));
        return http.post("/api/v1/keys", ADMIN_KEY, request)
                .as(ApiKeyCreated.class)
                .key();
    }

    static void assertTooMany(Http.Response response, String setting) {
        assertThat(response.status()).as(response.body()).isEqualTo(429);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
        assertThat(response.json().get("type").asString()).isEqualTo("urn:agentforge:problem:limit-exceeded");
        assertThat(response.json().get("detail").asString()).contains(setting);
    }

    @Test
    void aKeyHoldsNoMoreInstancesThanTheLimitButAnAdminIsNotLimited() {
        String key = key("lim-svc", "service");
        assertThat(http.post("/api/v1/instances", key, tool("lim-1", "lim-a")).status())
                .isEqualTo(201);
        assertThat(http.post("/api/v1/instances", key, tool("lim-2", "lim-b")).status())
                .isEqualTo(201);

        assertTooMany(http.post("/api/v1/instances", key, tool("lim-3", "lim-a")), "instances-per-key");
        assertThat(http.post("/api/v1/instances", key, tool("lim-2", "lim-b")).status())
                .as("an update is no new instance")
                .isEqualTo(200);
        assertThat(http.post("/api/v1/instances", ADMIN_KEY, tool("lim-4", "lim-a"))
                        .status())
                .isEqualTo(201);
        assertThat(http.delete("/api/v1/instances/lim-1", key).status()).isEqualTo(204);
        assertThat(http.post("/api/v1/instances", key, tool("lim-3", "lim-a")).status())
                .isEqualTo(201);
    }

    @Test
    void changeFeedSubscribersAreLimitedPerKeyAndInTotal() throws Exception {
        String first = key("lim-ui-1", "client");
        String second = key("lim-ui-2", "client");
        List<SseSubscription> open = new ArrayList<>();
        try {
            for (String key : List.of(first, first, second)) {
                SseSubscription feed = new SseSubscription(
                        http.request("/api/v1/events", key).GET().build());
                open.add(feed);
                assertThat(feed.status()).isEqualTo(200);
            }

            assertTooMany(http.get("/api/v1/events", first), "subscribers-per-key");
            assertTooMany(http.get("/api/v1/events", second), "agentforge.registry.limits.subscribers)");
        } finally {
            open.forEach(SseSubscription::close);
        }
    }
}
