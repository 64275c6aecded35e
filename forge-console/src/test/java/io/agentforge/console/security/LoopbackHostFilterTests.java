package io.agentforge.console.security;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackHostFilterTests {

    private final LoopbackHostFilter filter = new LoopbackHostFilter("127.0.0.2");

    private record Outcome(boolean passed, MockHttpServletResponse response) {
    }

    private Outcome send(String host) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
        request.setServerName(host);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return new Outcome(chain.getRequest() != null, response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST", "127.0.0.1", "[::1]", "127.0.0.2", "console.localhost"})
    void requestsForALoopbackNamePass(String host) throws Exception {
        Outcome outcome = send(host);

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.response().getStatus()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"attacker.example", "127.0.0.1.attacker.example", "localhost.attacker.example", "10.0.0.5",
            "my-laptop"})
    void requestsForAnyOtherHostNameAreRefusedWithAProblem(String host) throws Exception {
        Outcome outcome = send(host);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.response().getStatus()).isEqualTo(403);
        assertThat(outcome.response().getContentType()).startsWith("application/problem+json");
        assertThat(outcome.response().getContentAsString()).contains("auth=none").doesNotContain(host);
    }
}
