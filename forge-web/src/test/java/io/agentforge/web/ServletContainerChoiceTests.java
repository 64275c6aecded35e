package io.agentforge.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Both containers are on this module's test classpath, as they are where the registry runs beside another service. */
class ServletContainerChoiceTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    TomcatByDefaultAutoConfiguration.class,
                    ForgeWebAutoConfiguration.class,
                    JettyServletWebServerAutoConfiguration.class,
                    TomcatServletWebServerAutoConfiguration.class));

    @Test
    void aServiceThatDoesNotChooseRunsOnTomcat() {
        runner.run(context -> assertThat(context.getBean(ServletWebServerFactory.class))
                .isExactlyInstanceOf(TomcatServletWebServerFactory.class));
    }

    @Test
    void aServiceThatDeclaresJettyKeepsIt() {
        runner.withUserConfiguration(OnJetty.class)
                .run(context -> assertThat(context.getBean(ServletWebServerFactory.class))
                        .isExactlyInstanceOf(JettyServletWebServerFactory.class));
    }

    @Test
    void jettyAnswersARequestItCannotRouteWithAProblem() throws Exception {
        var factory = new JettyServletWebServerFactory(0);
        new ForgeWebAutoConfiguration.JettyProblems().forgeJettyProblemErrors().customize(factory);
        var server = factory.getWebServer();
        server.start();
        try (var client = HttpClient.newHttpClient()) {
            var tooLong = URI.create("http://127.0.0.1:" + server.getPort() + "/?q=" + "a".repeat(10_000));
            HttpResponse<String> response =
                    client.send(HttpRequest.newBuilder(tooLong).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(414);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(response.body())
                    .contains("\"type\":\"urn:agentforge:problem:malformed-request\"", "\"status\":414");
        } finally {
            server.stop();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OnJetty {
        @Bean
        JettyServletWebServerFactory jetty() {
            return new JettyServletWebServerFactory(0);
        }
    }
}
