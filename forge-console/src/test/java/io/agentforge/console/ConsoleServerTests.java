package io.agentforge.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.TokenExchanger;
import io.agentforge.starter.ForgeServiceRegistrar;
import io.agentforge.starter.PublishedFunctions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/** The packaged application as a browser meets it: cookies, headers, static assets, health. */
class ConsoleServerTests {

    private static ConfigurableApplicationContext console;
    private static String url;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startTheConsoleWithApiKeyLogin() {
        // The registry is not running: the console must start anyway and say so on its pages.
        console = new SpringApplicationBuilder(ConsoleApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=OFF",
                        "--agentforge.console.auth=api-key",
                        "--agentforge.registry-url=http://127.0.0.1:9",
                        "--agentforge.api-key=af_console01_Console-secret-0123456789abcdef");
        url = "http://127.0.0.1:" + console.getEnvironment().getRequiredProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        console.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSessionCookieIsSecureHttpOnlyAndSameSite() throws Exception {
        HttpResponse<String> login = get("/login");

        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().allValues("Set-Cookie"))
                .anySatisfy(cookie ->
                        assertThat(cookie).startsWith("JSESSIONID=").contains("Secure", "HttpOnly", "SameSite=Lax"));
        assertThat(login.headers().firstValue("Content-Security-Policy"))
                .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
    }

    @Test
    void htmxIsServedFromItsWebjarAndTheConsolesOwnAssetsAreServed() throws Exception {
        assertThat(get("/webjars/htmx.org/dist/htmx.min.js").body()).contains("htmx");
        assertThat(get("/js/chat.js").statusCode()).isEqualTo(200);
        assertThat(get("/css/console.css").statusCode()).isEqualTo(200);
    }

    @Test
    void healthIsPublicAndPagesAreNot() throws Exception {
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
        HttpResponse<String> page = get("/registry");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
    }

    @Test
    void theConsoleUsesTheStartersClientWiringWithoutRegisteringItselfOrServingFunctions() throws Exception {
        assertThat(console.getBeansOfType(DiscoveryCache.class)).hasSize(1);
        assertThat(console.getBeansOfType(FunctionInvoker.class)).hasSize(1);
        assertThat(console.getBeansOfType(TokenExchanger.class)).hasSize(1);
        assertThat(console.getBeansOfType(ForgeServiceRegistrar.class)).isEmpty();
        assertThat(console.getBeansOfType(PublishedFunctions.class)).isEmpty();
        assertThat(ClassUtils.isPresent("org.springframework.ai.tool.annotation.Tool", null))
                .as("no Spring AI on the console's class path")
                .isFalse();
    }
}
