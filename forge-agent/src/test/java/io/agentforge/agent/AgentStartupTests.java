package io.agentforge.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The agent without its surroundings: it refuses to start without a service key, and while the registry and the
 * token issuer are unreachable it answers callers with a 503 problem rather than a 401 or a 500.
 */
class AgentStartupTests {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void callersGetA503WhenNeitherTheRegistryNorTheTokenIssuerCanBeAsked() throws Exception {
        // Port 9 (discard) is closed on loopback: every call to it is refused at once.
        try (ConfigurableApplicationContext agent = new SpringApplicationBuilder(AgentApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--agentforge.registry-url=http://127.0.0.1:9",
                        "--agentforge.api-key=af_agentkey001_0123456789abcdefghijklmnop",
                        "--agentforge.enabled=false",
                        "--agentforge.agent.security.jwt-issuer-uri=http://127.0.0.1:9/issuer",
                        "--agentforge.agent.security.jwt-audience=agent",
                        "--spring.jmx.enabled=false",
                        "--agentforge.agent.llm.mode=offline")) {
            String url = "http://127.0.0.1:" + agent.getEnvironment().getProperty("local.server.port")
                    + "/api/v1/conversations";

            for (String credential : new String[] {
                "af_clientkey01_0123456789abcdefghijklmnop", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
            }) {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + credential)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                assertThat(response.headers().firstValue("Content-Type"))
                        .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
                assertThat(response.headers().firstValue("Retry-After")).isPresent();
                assertThat(response.body()).contains("urn:agentforge:problem:unavailable");
            }
        }
    }

    @Test
    void anIssuerWithoutAnAudienceFailsAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(AgentApplication.class)
                        .run(
                                "--server.port=0",
                                "--server.address=127.0.0.1",
                                "--agentforge.registry-url=http://127.0.0.1:9",
                                "--agentforge.api-key=af_agentkey001_0123456789abcdefghijklmnop",
                                "--agentforge.enabled=false",
                                "--agentforge.agent.security.jwt-issuer-uri=http://127.0.0.1:9/issuer",
                                "--spring.jmx.enabled=false",
                                "--agentforge.agent.llm.mode=offline"))
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("agentforge.agent.security.jwt-audience")
                .hasMessageContaining("AGENTFORGE_AGENT_SECURITY_JWT_AUDIENCE")
                .hasMessageContaining("required when agentforge.agent.security.jwt-issuer-uri");
    }

    @Test
    void withoutAServiceKeyTheAgentFailsAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(AgentApplication.class)
                        .run(
                                "--server.port=0",
                                "--server.address=127.0.0.1",
                                "--agentforge.registry-url=http://127.0.0.1:9",
                                "--agentforge.api-key=",
                                "--spring.jmx.enabled=false"))
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AGENTFORGE_API_KEY (agentforge.api-key)")
                .hasMessageContaining("'service' role");
    }
}
