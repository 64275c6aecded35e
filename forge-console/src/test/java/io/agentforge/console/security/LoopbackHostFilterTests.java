package io.agentforge.console.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

class LoopbackHostFilterTests {

    private final LoopbackHostFilter filter = new LoopbackHostFilter("127.0.0.2");

    private record Outcome(boolean passed, MockHttpServletResponse response) {}

    private Outcome send(String host) throws Exception {
        return send(host, "127.0.0.1", "localhost");
    }

    /** A request with this {@code Host} header, arriving on this local address, that a proxy valve named so. */
    private Outcome send(String host, String localAddress, String serverName) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
        if (host != null) {
            request.addHeader("Host", host);
        }
        request.setLocalAddr(localAddress);
        request.setServerName(serverName);
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        return new Outcome(chain.getRequest() != null, response);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "localhost",
                "LOCALHOST",
                "127.0.0.1",
                "[::1]",
                "127.0.0.2",
                "console.localhost",
                "localhost:8080",
                "127.0.0.1:8080",
                "[::1]:8080",
                "[0:0:0:0:0:0:0:1]:8080",
                "127.0.0.9:8080"
            })
    void requestsForALoopbackNamePass(String host) throws Exception {
        Outcome outcome = send(host);

        assertThat(outcome.passed()).isTrue();
        assertThat(outcome.response().getStatus()).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "attacker.example",
                "127.0.0.1.attacker.example",
                "localhost.attacker.example",
                "10.0.0.5",
                "my-laptop",
                "attacker.example:8080",
                "localhost:8080:80",
                "localhost:http",
                "localhost@x",
                "[fe80::1]",
                "0.0.0.0",
                "1234"
            })
    void requestsForAnyOtherHostNameAreRefusedWithAProblem(String host) throws Exception {
        Outcome outcome = send(host);

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.response().getStatus()).isEqualTo(403);
        assertThat(outcome.response().getContentType()).startsWith("application/problem+json");
        assertThat(outcome.response().getContentAsString())
                .contains("auth=none")
                .doesNotContain(host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "[::1", "[::1]x", ""})
    void malformedHostHeadersAreRefused(String host) throws Exception {
        assertThat(send(host, "127.0.0.1", "localhost").response().getStatus()).isEqualTo(403);
    }

    @Test
    void theNameTomcatDerivedFromForwardedHeadersDoesNotCount() throws Exception {
        // As RemoteIpValve leaves it for Host: attacker.example plus X-Forwarded-Host: localhost.
        Outcome outcome = send("attacker.example", "127.0.0.1", "localhost");

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.response().getStatus()).isEqualTo(403);
    }

    @Test
    void aRequestWithoutAHostHeaderIsRefused() throws Exception {
        assertThat(send(null, "127.0.0.1", "localhost").response().getStatus()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.5", "192.168.1.20", "fe80::1%eth0", "0.0.0.0", "localhost", ""})
    void aRequestOnASocketThatIsNotLoopbackIsRefusedWhateverItsHost(String localAddress) throws Exception {
        Outcome outcome = send("localhost", localAddress, "localhost");

        assertThat(outcome.passed()).isFalse();
        assertThat(outcome.response().getStatus()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "0:0:0:0:0:0:0:1", "[::1]"})
    void loopbackSocketsPass(String localAddress) throws Exception {
        assertThat(send("localhost", localAddress, "localhost").passed()).isTrue();
    }

    @Test
    void anIpv6BindAddressIsAcceptedInItsBracketedHostForm() throws Exception {
        LoopbackHostFilter ipv6 = new LoopbackHostFilter("::1");
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/");
        request.addHeader("Host", "[::1]:9000");
        request.setLocalAddr("0:0:0:0:0:0:0:1");
        MockFilterChain chain = new MockFilterChain();
        ipv6.doFilter(request, new MockHttpServletResponse(), chain);

        assertThat(chain.getRequest()).isNotNull();
    }
}
