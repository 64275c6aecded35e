package io.agentforge.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.ServiceQuery;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.Role;
import io.agentforge.testsupport.Chromium;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole stack in Chromium: a real registry (in this JVM), the calculator, the agent (offline model) and the
 * console as separate processes. One story, in order: ask an arithmetic question, reopen it from the history, run
 * calculator functions from the Tools page with bad values, then watch the calculator on the Registry page and see it
 * disappear when it stops.
 *
 * <p>Screenshots go to {@code target/screenshots}. With {@code FORGE_UPDATE_DOCS_IMAGES=1} (or
 * {@code -Dforge.update-docs-images=true}) the chat and registry screenshots are also copied to {@code docs/images}.
 *
 * <p>Needs Debian's Chromium at {@code /usr/bin/chromium}; without it the tests are skipped, except under
 * {@code CI=true}, where a missing browser is a failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(DumpThreadsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FullStackBrowserTests {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Path DOCS_IMAGES = Path.of("..", "docs", "images");
    private static final Duration START = Duration.ofSeconds(120);
    private static final String QUESTION = "What is 12.5% of 240?";
    /** The first answer on a cold agent JVM can take a while on a small machine. */
    private static final LocatorAssertions.ContainsTextOptions ANSWER_WAIT =
            new LocatorAssertions.ContainsTextOptions().setTimeout(90_000);

    private RegistryServer registry;
    private ServiceProcess calculator;
    private ServiceProcess agent;
    private ServiceProcess console;
    private HttpRegistryClient registryClient;
    private Chromium chromium;

    /** Why the browser tests are skipped here, or null when Chromium is installed. */
    private String skipReason;

    private Page page;
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startTheStackAndTheBrowser() throws Exception {
        skipReason = Chromium.missing();
        if (skipReason != null) {
            // Surefire reports skipped tests without their reason: say it in the build output too.
            System.err.println(skipReason);
            return;
        }
        registry = RegistryServer.start();
        String consoleKey = registry.createKey("console", Role.CLIENT).key();
        // Started together, awaited after: the JVMs warm up in parallel.
        calculator = ServiceProcess.start(
                "calculator",
                "browser-calculator",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL", registry.url(),
                        "AGENTFORGE_API_KEY",
                                registry.createKey("calculator", Role.SERVICE).key()));
        agent = ServiceProcess.start(
                "agent",
                "browser-agent",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        registry.createKey("agent", Role.SERVICE).key(),
                        "OPENAI_API_KEY",
                        "",
                        "AGENTFORGE_LLM_BASE_URL",
                        ""));
        console = ServiceProcess.start(
                "console",
                "browser-console",
                Map.of(
                        "AGENTFORGE_REGISTRY_URL",
                        registry.url(),
                        "AGENTFORGE_API_KEY",
                        consoleKey,
                        "AGENTFORGE_CONSOLE_AUTH",
                        "none"));
        calculator.awaitReady(START);
        agent.awaitReady(START);
        console.awaitReady(START);

        registryClient = registry.client(consoleKey);
        Awaitility.await("the calculator and the agent UP in the registry")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> !upInstances("calculator").isEmpty()
                        && !upInstances("agent").isEmpty());

        Files.createDirectories(SCREENSHOTS);
        chromium = Chromium.launch();
        PlaywrightAssertions.setDefaultAssertionTimeout(30_000);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (registryClient != null) {
            registryClient.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {console, agent, calculator, registry}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @BeforeEach
    void openABrowserWindow() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
        page = chromium.newPage(Duration.ofSeconds(30), consoleErrors);
    }

    @AfterEach
    void closeTheBrowserWindow() {
        if (page != null) {
            page.context().close();
        }
        consoleErrors.clear();
    }

    @Test
    @Order(1)
    void anArithmeticQuestionStreamsTheOfflineAnswerWithTheCalculatorStep() throws IOException {
        page.navigate(console.url() + "/");
        assertThat(page.locator("#agent")).containsText("agent");
        Chromium.useTheAgent(page);

        Locator message = page.getByRole(
                AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("Message").setExact(true));
        message.fill(QUESTION);
        countStreamedPieces();
        Response stream =
                page.waitForResponse(response -> response.url().endsWith("/chat/stream"), () -> message.press("Enter"));

        Locator turn = page.locator(".turn").last();
        assertThat(turn.locator(".bubble")).hasText(QUESTION);
        assertThat(turn.locator(".answer")).containsText("= 30", ANSWER_WAIT);
        assertThat(turn.locator(".answer")).containsText("offline model");
        // The done event has arrived: the meta line is written last.
        assertThat(turn.locator(".answer-meta")).isVisible();
        Locator step = turn.locator("details.step");
        assertThat(step).hasCount(1);
        assertThat(step.locator(".fn")).hasText("calculator_evaluate");
        assertThat(step.locator(".step-state")).hasText("done");
        step.locator("summary").click();
        assertThat(step.locator(".step-body")).containsText("240");
        assertThat(step.locator(".step-body")).containsText("\"30\"");
        // The answer came as server-sent events, its text in pieces before the whole rendered answer.
        assertThat(stream.headerValue("content-type")).startsWith("text/event-stream");
        assertThat(((Number) page.evaluate("window.forgeStreamedPieces")).intValue())
                .isGreaterThan(1);
        assertThat(page.locator("#history")).containsText(QUESTION);
        assertThat(message).hasValue("");
        screenshot("chat", true);
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    @Order(2)
    void theConversationReopensFromTheHistoryWithItsQuestionAndAnswer() throws IOException {
        page.navigate(console.url() + "/");
        Chromium.useTheAgent(page);

        page.locator("#history a")
                .filter(new Locator.FilterOptions().setHasText(QUESTION))
                .click();

        assertThat(page).hasURL(Pattern.compile("[?&]c="));
        Locator turns = page.locator(".turn");
        assertThat(turns).hasCount(1);
        assertThat(turns.locator(".bubble")).hasText(QUESTION);
        assertThat(turns.locator(".answer")).containsText("= 30");
        assertThat(turns.locator(".answer")).containsText("offline model");
        assertThat(turns.locator("details.step .fn")).hasText("calculator_evaluate");
        assertThat(page.locator("#history a.current")).containsText(QUESTION);
        screenshot("history", false);
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    @Order(3)
    void aToolsFormWithBadValuesShowsWhatIsWrong() throws IOException {
        page.navigate(console.url() + "/tools?q=calculator_");

        Locator divide = page.locator("#tool-calculator_divide");
        divide.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName(Pattern.compile("^a\\b")))
                .fill("1");
        divide.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName(Pattern.compile("^b\\b")))
                .fill("0");
        divide.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run"))
                .click();
        assertThat(divide.locator(".result")).containsText("Division by zero");
        assertThat(divide.locator(".result")).containsText("422");

        Locator evaluate = page.locator("#tool-calculator_evaluate");
        evaluate.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("expression"))
                .fill("2+*3");
        evaluate.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run"))
                .click();
        assertThat(evaluate.locator(".result")).containsText("Syntax error");
        assertThat(evaluate.locator(".result")).containsText("position 2");
        assertThat(evaluate.locator(".result")).containsText("400");
        screenshot("tools", false);

        // A value that isn't a number never reaches the tool: the form says which field is wrong.
        divide.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName(Pattern.compile("^a\\b")))
                .fill("twelve");
        divide.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run"))
                .click();
        assertThat(divide.locator(".result")).containsText("Check the form");
        assertThat(divide.locator(".result .errors li")).hasCount(1);
        assertThat(divide.locator(".result .errors li .mono")).hasText("a");
        assertThat(divide.locator(".result .errors li")).containsText("must be a number, got 'twelve'");
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    @Order(4)
    void theRegistryPageShowsTheCalculatorAndDropsItLiveWhenItStops() throws Exception {
        String calculatorId = upInstances("calculator").getFirst().instanceId();
        String agentId = upInstances("agent").getFirst().instanceId();
        page.navigate(console.url() + "/registry");

        Locator calculatorService = page.locator("#service-calculator");
        assertThat(calculatorService).containsText(calculatorId);
        assertThat(calculatorService).containsText("UP");
        assertThat(calculatorService).containsText("1 of 1 up");
        assertThat(calculatorService).containsText("calculator_evaluate");
        Locator agentService = page.locator("#service-agent");
        assertThat(agentService).containsText(agentId);
        assertThat(agentService).containsText("AGENT");
        assertThat(page.locator("#feed-status")).hasText("Live");
        screenshot("registry", true);
        page.evaluate("window.forgeNotReloaded = true");

        calculator.close();

        assertThat(page.locator("#service-calculator")).hasCount(0);
        assertThat(page.locator("#live")).not().containsText(calculatorId);
        assertThat(agentService).containsText(agentId);
        assertThat(page.evaluate("window.forgeNotReloaded === true"))
                .as("the page followed the change feed without a reload")
                .isEqualTo(true);
        assertThat(upInstances("calculator")).isEmpty();
        assertThat(consoleErrors).isEmpty();
    }

    /** Counts the text pieces appended to answers as they stream in (the final answer replaces them). */
    private void countStreamedPieces() {
        page.evaluate("""
                () => {
                    window.forgeStreamedPieces = 0;
                    new MutationObserver(records => records
                            .filter(record => record.target.classList?.contains('answer'))
                            .forEach(record => record.addedNodes.forEach(node => {
                                if (node.nodeType === Node.TEXT_NODE) {
                                    window.forgeStreamedPieces++;
                                }
                            })))
                        .observe(document.getElementById('messages'), {childList: true, subtree: true});
                }""");
    }

    private List<Instance> upInstances(String service) {
        return registryClient.services(ServiceQuery.all().withName(service)).stream()
                .map(RegisteredService::instances)
                .flatMap(List::stream)
                .filter(instance -> instance.status() == InstanceStatus.UP)
                .toList();
    }

    private void screenshot(String name, boolean docsImage) throws IOException {
        Path file = SCREENSHOTS.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file));
        if (docsImage && updateDocsImages()) {
            Files.createDirectories(DOCS_IMAGES);
            Files.copy(file, DOCS_IMAGES.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static boolean updateDocsImages() {
        return "1".equals(System.getenv("FORGE_UPDATE_DOCS_IMAGES")) || Boolean.getBoolean("forge.update-docs-images");
    }
}
