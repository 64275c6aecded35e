package io.agentforge.registry;

import static io.agentforge.registry.support.Registrations.tool;
import static io.agentforge.registry.support.TestRegistryConfiguration.ADMIN_KEY;
import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.support.Http;
import io.agentforge.registry.support.MemoryRegistryTest;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Renewals answered before the security chain and MVC look exactly like the regular answers, and every renewal that
 * can't succeed still gets the regular problem.
 */
@MemoryRegistryTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeaseRenewalHttpTests {

    @LocalServerPort
    int port;

    @Autowired
    MutableClock clock;

    Http http;
    String ownerKey;
    String otherKey;
    String clientKey;

    @BeforeAll
    void keys() {
        http = new Http("http://127.0.0.1:" + port);
        ownerKey = key("lease-owner", "service", List.of("lease-svc"));
        otherKey = key("lease-other", "service", List.of("lease-other-svc"));
        clientKey = key("lease-client", "client", null);
        assertThat(http.post("/api/v1/instances", ownerKey, tool("lease-1", "lease-svc"))
                        .status())
                .isBetween(200, 201);
    }

    String key(String name, String role, List<String> services) {
        Map<String, Object> body = services == null
                ? Map.of("name", name, "roles", List.of(role))
                : Map.of("name", name, "roles", List.of(role), "services", services);
        Http.Response response = http.post("/api/v1/keys", ADMIN_KEY, body);
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.as(ApiKeyCreated.class).key();
    }

    @Test
    void theOwnersRenewalAnswersTheLeaseWithTheUsualHeaders() {
        clock.advance(Duration.ofSeconds(1));
        Http.Response response = http.put("/api/v1/instances/lease-1/lease", ownerKey);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).startsWith("application/json");
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Cache-Control")).contains("no-store");
        Lease lease = response.as(Lease.class);
        assertThat(lease.instanceId()).isEqualTo("lease-1");
        assertThat(lease.lastRenewal()).isEqualTo(clock.instant());
        assertThat(http.put("/api/v1/instances/lease-1/lease", ADMIN_KEY).status())
                .isEqualTo(200);
    }

    @Test
    void renewalsThatCannotSucceedGetTheRegularProblems() {
        assertProblem(http.put("/api/v1/instances/lease-1/lease", otherKey), 403);
        assertProblem(http.put("/api/v1/instances/lease-1/lease", clientKey), 403);
        assertProblem(http.put("/api/v1/instances/lease-1/lease", null), 401);
        assertProblem(
                http.put("/api/v1/instances/lease-1/lease", "af_testadmin01_wrongsecretwrongsecretwrongsecret"), 401);
        assertProblem(http.put("/api/v1/instances/no-such-instance/lease", ownerKey), 404);
        assertProblem(http.put("/api/v1/instances/bad%20id/lease", ownerKey), 400);
    }

    static void assertProblem(Http.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    }
}
