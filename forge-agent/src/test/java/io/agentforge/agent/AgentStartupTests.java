package io.agentforge.agent;

import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An agent that can't reach the registry's tools is of no use: it refuses to start and says what to set. */
class AgentStartupTests {

    @Test
    void withoutAServiceKeyTheAgentFailsAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> new SpringApplicationBuilder(AgentApplication.class).run("--server.port=0",
                "--server.address=127.0.0.1", "--agentforge.registry-url=http://127.0.0.1:9", "--agentforge.api-key=",
                "--spring.jmx.enabled=false"))
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AGENTFORGE_API_KEY (agentforge.api-key)")
                .hasMessageContaining("'service' role");
    }
}
