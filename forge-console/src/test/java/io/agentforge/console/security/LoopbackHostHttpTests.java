package io.agentforge.console.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.console.ConsoleApplication;
import io.agentforge.console.support.WebTestConfiguration;
import io.agentforge.console.support.WithoutLogin;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The {@code auth=none} host check over real HTTP, through the console's own Tomcat with its
 * {@code server.forward-headers-strategy=native}: forwarded headers name no host the check believes.
 */
@WithoutLogin
@SpringBootTest(
        classes = ConsoleApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "agentforge.api-key=" + WebTestConfiguration.CONSOLE_KEY,
            // Nothing listens there: the pages fetched here render without the registry.
            "agentforge.registry-url=http://127.0.0.1:9",
            "logging.level.root=WARN"
        })
class LoopbackHostHttpTests {

    @LocalServerPort
    int port;

    @Test
    void aForeignHostIsRefusedEvenWhenForwardedHeadersNameLocalhost() throws IOException {
        // What a rebinding page's fetch could carry: its own name in Host, and whatever it likes in other headers.
        String answer = get(
                "Host: evil.example:" + port,
                "X-Forwarded-Host: localhost",
                "X-Forwarded-Proto: http",
                "X-Forwarded-For: 127.0.0.1",
                "Forwarded: host=localhost;proto=http");

        assertThat(answer)
                .startsWith("HTTP/1.1 403")
                .contains("Content-Type: application/problem+json")
                .contains("\"type\":\"urn:agentforge:problem:forbidden\"", "auth=none")
                .doesNotContain("evil.example");
    }

    @Test
    void aForeignHostIsRefusedWithoutForwardedHeadersToo() throws IOException {
        assertThat(get("Host: evil.example")).startsWith("HTTP/1.1 403");
    }

    @Test
    void localhostWithThePortIsServed() throws IOException {
        assertThat(get("Host: localhost:" + port)).startsWith("HTTP/1.1 200");
        assertThat(get("Host: 127.0.0.1:" + port)).startsWith("HTTP/1.1 200");
    }

    @Test
    void localhostIsServedWhenAProxyForwardsAnotherHost() throws IOException {
        // The direct request's own Host decides; a forwarded name neither grants nor denies.
        assertThat(get("Host: localhost:" + port, "X-Forwarded-Host: evil.example"))
                .startsWith("HTTP/1.1 200");
    }

    /** Clients refuse to send a Host of the caller's choice, so the request is written by hand. */
    private String get(String... headers) throws IOException {
        StringBuilder request = new StringBuilder("GET /registry HTTP/1.1\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
