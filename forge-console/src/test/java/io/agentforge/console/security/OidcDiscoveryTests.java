package io.agentforge.console.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.sun.net.httpserver.HttpServer;
import io.agentforge.console.support.ConsoleWebTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

/** OIDC login against a stub provider that publishes its discovery document. */
@ConsoleWebTest
class OidcDiscoveryTests {

    static final HttpServer PROVIDER = provider();

    static HttpServer provider() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/realms/forge/.well-known/openid-configuration", exchange -> {
                String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/forge";
                byte[] body = ("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/auth\","
                                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/certs\","
                                + "\"subject_types_supported\":[\"public\"],\"response_types_supported\":[\"code\"],"
                                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void oidc(DynamicPropertyRegistry registry) {
        registry.add("agentforge.console.auth", () -> "oidc");
        registry.add(
                "agentforge.console.oidc.issuer-uri",
                () -> "http://127.0.0.1:" + PROVIDER.getAddress().getPort() + "/realms/forge");
        registry.add("agentforge.console.oidc.client-id", () -> "console");
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.stop(0);
    }

    @Autowired
    MockMvc mvc;

    @Test
    void theLoginRedirectsToTheProvidersAuthorizationEndpointFromItsDiscoveryDocument() throws Exception {
        String location = mvc.perform(get("/oauth2/authorization/oidc"))
                .andExpect(status().isFound())
                .andReturn()
                .getResponse()
                .getHeader("Location");

        assertThat(location)
                .startsWith("http://127.0.0.1:" + PROVIDER.getAddress().getPort() + "/realms/forge/auth?")
                .contains("client_id=console", "response_type=code", "scope=openid");
    }
}
