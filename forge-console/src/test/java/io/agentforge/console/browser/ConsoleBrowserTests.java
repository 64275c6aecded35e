package io.agentforge.console.browser;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.console.ConsoleApplication;
import io.agentforge.registry.RegistryApplication;
import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.testsupport.Chromium;
import io.agentforge.testsupport.ToolStub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The console in Chromium against a real registry (in this JVM), a stub tool and a stub agent: what a person sees
 * and does on the Chat, Registry and Tools pages. Screenshots go to {@code target/screenshots}.
 *
 * <p>Needs Debian's Chromium at {@code /usr/bin/chromium}; without it the tests are skipped, except under
 * {@code CI=true}, where a missing browser is a failure.
 */
class ConsoleBrowserTests {

    static final Path SCREENSHOTS = Paths.get("target", "screenshots");
    private static final String ADMIN_KEY = "af_consoletest1_Console-browser-tests-admin-key_0123456789";

    private static ConfigurableApplicationContext registry;
    private static ConfigurableApplicationContext console;
    private static ToolStub tool;
    private static StubAgent agent;
    private static HttpRegistryClient toolClient;
    private static String consoleUrl;
    private static Chromium chromium;

    private Page page;
    private final List<String> dialogs = new CopyOnWriteArrayList<>();
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startTheStack() throws IOException {
        String missing = Chromium.missing();
        if (missing != null) {
            Assumptions.abort(missing);
        }
        registry = new SpringApplicationBuilder(RegistryApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        // Not the console's application.yml, which comes first on this classpath.
                        "--spring.config.name=forge-registry-browser-tests",
                        "--spring.threads.virtual.enabled=true",
                        "--spring.mvc.problemdetails.enabled=true",
                        "--logging.level.root=WARN",
                        "--agentforge.registry.security.admin-key=" + ADMIN_KEY,
                        "--agentforge.registry.allow-loopback-endpoints=true");
        String registryUrl = "http://127.0.0.1:" + registry.getEnvironment().getRequiredProperty("local.server.port");
        String consoleKey = createKey(registryUrl, "console", Role.CLIENT);
        String serviceKey = createKey(registryUrl, "stubs", Role.SERVICE);

        tool = StubTool.start();
        agent = (StubAgent) new StubAgent().start();
        toolClient = new HttpRegistryClient(new ForgeClientSettings(
                URI.create(registryUrl), serviceKey, Duration.ofSeconds(2), Duration.ofSeconds(5)));
        toolClient.register(StubTool.registration("text-tool-1", tool.endpoint()));
        toolClient.register(agent.registration());

        console = new SpringApplicationBuilder(ConsoleApplication.class)
                .run(
                        "--server.port=0",
                        "--server.address=127.0.0.1",
                        "--spring.main.banner-mode=off",
                        "--logging.level.root=WARN",
                        "--agentforge.console.auth=none",
                        "--agentforge.registry-url=" + registryUrl,
                        "--agentforge.api-key=" + consoleKey,
                        "--agentforge.console.chart-interval=1s");
        consoleUrl = "http://127.0.0.1:" + console.getEnvironment().getRequiredProperty("local.server.port");

        Files.createDirectories(SCREENSHOTS);
        chromium = Chromium.launch();
    }

    @AfterAll
    static void stopTheStack() {
        if (chromium != null) {
            chromium.close();
        }
        if (console != null) {
            console.close();
        }
        if (toolClient != null) {
            toolClient.close();
        }
        if (tool != null) {
            tool.close();
        }
        if (agent != null) {
            agent.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void openABrowser() {
        page = chromium.newPage(Duration.ofSeconds(15), consoleErrors);
        page.onDialog(dialog -> {
            dialogs.add(dialog.message());
            dialog.dismiss();
        });
    }

    @AfterEach
    void closeTheBrowser() {
        page.context().close();
    }

    @Test
    void requestsForAnotherHostNameOrWithBrokenEscapesAreRefusedWithProblems() throws Exception {
        int port = console.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        // auth=none: a page that rebinds its own name to 127.0.0.1 must not reach the console.
        assertThat(raw(port, "GET / HTTP/1.1\r\nHost: attacker.example:" + port + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 403")
                .contains("application/problem+json");
        String form = "message=%zz";
        assertThat(raw(
                        port,
                        "POST /tools/calculator_evaluate/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                                + "\r\nConnection: close\r\n\r\n" + form))
                .startsWith("HTTP/1.1 400")
                .contains("urn:agentforge:problem:malformed-request");
    }

    // Browsers and HTTP clients refuse to send these requests, so they are written by hand.
    private static String raw(int port, String request) throws Exception {
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void theRegistryPageShowsInstancesAndFollowsTheChangeFeedLive() {
        page.navigate(consoleUrl + "/registry");

        Locator textTool = page.locator("#service-text-tool");
        assertThat(textTool).containsText("text-tool-1");
        assertThat(textTool).containsText("UP");
        assertThat(textTool).containsText(tool.endpoint());
        assertThat(textTool).containsText("2.1.0");
        assertThat(textTool).containsText("text_repeat");
        assertThat(page.locator("#service-helper")).containsText("AGENT");
        assertThat(page.locator("#feed-status")).hasText("Live");

        toolClient.register(StubTool.registration("text-tool-2", tool.endpoint()));

        // No reload: the change feed brings the new instance in.
        assertThat(textTool.locator("text=text-tool-2")).isVisible();
        assertThat(textTool).containsText("2 of 2 up");
        assertThat(page.locator(".chart polyline.registered")).isAttached();
        screenshot("registry");
        toolClient.deregister("text-tool-2");
        assertThat(page.locator("#service-text-tool")).not().containsText("text-tool-2");
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void theToolsPageRunsAFunctionFromTheFormItsSchemaGenerated() {
        page.navigate(consoleUrl + "/tools");
        Locator card = page.locator("#tool-text_repeat");

        assertThat(card).containsText("Repeats a text a number of times");
        card.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("text"))
                .fill("ab");
        card.getByRole(AriaRole.SPINBUTTON, new Locator.GetByRoleOptions().setName("times"))
                .fill("3");
        card.getByRole(AriaRole.COMBOBOX, new Locator.GetByRoleOptions().setName("separator"))
                .selectOption("\"comma\"");
        card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run"))
                .click();

        assertThat(card.locator(".result")).containsText("\"ab,ab,ab\"");
        screenshot("tools");

        card.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("text"))
                .fill("fail");
        card.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run"))
                .click();
        assertThat(card.locator(".result")).containsText("text must not be 'fail'");
        assertThat(card.locator(".result")).containsText("Invalid argument");
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void theChatPageContactsNoAgentUntilThePersonPicksOne() {
        int before = agent.authorizations().size();
        page.navigate(consoleUrl + "/?agent=helper-1&c=someone-elses");

        assertThat(page.locator("#pick-notice")).containsText("Pick an agent to start");
        assertThat(page.locator("#history")).hasCount(0);
        assertThat(messageBox()).isDisabled();
        assertThat(agent.authorizations())
                .as("no request to an agent nobody picked")
                .hasSize(before);

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use this agent"))
                .click();

        assertThat(messageBox()).isEnabled();
        assertThat(page.locator("#history")).not().containsText("Loading conversations");
        assertThat(agent.authorizations())
                .as("the history, from the picked agent")
                .hasSizeGreaterThan(before);
    }

    @Test
    void aQuestionStreamsAnAnswerWithItsToolStepAndModelHtmlStaysInert() {
        openTheChatWithTheAgent();
        Locator message = messageBox();

        message.fill("What is six times seven?");
        message.press("Shift+Enter");
        message.pressSequentially("Show your work.");
        assertThat(message).hasValue("What is six times seven?\nShow your work.");
        message.press("Enter");

        Locator turn = page.locator(".turn").last();
        assertThat(turn.locator(".answer strong")).hasText("42");
        assertThat(turn.locator(".answer")).containsText("<script>alert('injected')</script>");
        assertThat(turn.locator("details.step")).containsText("calculator_evaluate");
        turn.locator("details.step summary").click();
        assertThat(turn.locator("details.step")).containsText("\"6 * 7\"");
        assertThat(turn.locator(".answer img")).hasCount(0);
        assertThat(page.locator("#history")).containsText("What is six times seven?");
        // The new conversation is marked as the current one in the sidebar.
        assertThat(page.locator("#history a[aria-current='page']")).containsText("What is six times seven?");
        assertThat(message).hasValue("");
        screenshot("chat");
        assertThat(dialogs).as("no script from model output ran").isEmpty();
        assertThat(agent.authorizations())
                .as("a token the registry issued for the agent, never the console's key")
                .isNotEmpty()
                .allSatisfy(header -> assertThat(header).startsWith("Bearer ey").doesNotContain("af_"));

        // The conversation can be reopened from the history and continued.
        page.navigate(consoleUrl + "/");
        page.locator("#history a").first().click();
        assertThat(page.locator(".turn")).hasCount(1);
        messageBox().fill("And again?");
        messageBox().press("Enter");
        assertThat(page.locator(".turn")).hasCount(2);
        assertThat(page.locator(".turn").last().locator(".answer strong")).hasText("42");
        assertThat(dialogs).isEmpty();
    }

    @Test
    void theChatPageWorksAtPhoneWidthInTheDarkTheme() {
        page.setViewportSize(390, 844);
        page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
        openTheChatWithTheAgent();

        assertThat(page.locator("#sidebar")).not().isInViewport();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("History"))
                .click();
        assertThat(page.locator("#sidebar")).isInViewport();
        page.keyboard().press("Escape");
        messageBox().fill("What is six times seven?");
        messageBox().press("Enter");
        assertThat(page.locator(".turn .answer strong").last()).hasText("42");
        assertThat(page.locator("body")).hasCSS("background-color", "rgb(15, 17, 21)");
        screenshot("chat-phone-dark");
    }

    @Test
    void settingsAreRememberedInTheBrowserAndSentWithEachQuestion() {
        openTheChatWithTheAgent();
        page.getByText("Settings").click();
        page.getByLabel("Model").fill("llama3.1:8b");
        page.getByLabel("Temperature").fill("0.3");
        page.getByLabel("Max tool steps").fill("4");
        page.getByLabel("Max tool steps").blur();

        page.reload();
        page.getByText("Settings").click();
        assertThat(page.getByLabel("Model")).hasValue("llama3.1:8b");
        messageBox().fill("Which model?");
        messageBox().press("Enter");
        assertThat(page.locator(".turn .answer strong").last()).hasText("42");

        assertThat(agent.questions()).last().satisfies(question -> {
            assertThat(question.path("message").asString()).isEqualTo("Which model?");
            assertThat(question.path("options").path("model").asString()).isEqualTo("llama3.1:8b");
            assertThat(question.path("options").path("temperature").asDouble()).isEqualTo(0.3);
            assertThat(question.path("options").path("maxSteps").asInt()).isEqualTo(4);
        });
    }

    /** Opens the chat and picks the only agent, as a person must before the console talks to any agent. */
    private void openTheChatWithTheAgent() {
        page.navigate(consoleUrl + "/");
        Chromium.useTheAgent(page);
    }

    private Locator messageBox() {
        return page.getByRole(
                AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("Message").setExact(true));
    }

    private void screenshot(String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SCREENSHOTS.resolve(name + ".png"))
                .setFullPage(false));
    }

    private static String createKey(String registryUrl, String name, Role role) throws IOException {
        var mapper = ForgeJacksonModule.mapper();
        byte[] body = mapper.writeValueAsBytes(
                role == Role.SERVICE
                        ? new ApiKeyRequest(
                                name,
                                EnumSet.of(role),
                                List.of("text-tool", "helper"),
                                Set.of(ServiceKind.TOOL, ServiceKind.AGENT))
                        : new ApiKeyRequest(name, EnumSet.of(role)));
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(URI.create(registryUrl + "/api/v1/keys"))
                            .header("Authorization", "Bearer " + ADMIN_KEY)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as("creating a key").isEqualTo(201);
            return mapper.readValue(response.body(), ApiKeyCreated.class).key();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
