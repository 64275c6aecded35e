package io.agentforge.testsupport;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;

/**
 * Debian's Chromium driven by Playwright, headless, for the browser tests (Playwright is an optional dependency of
 * forge-test-support: only modules with browser tests bring it). Playwright never downloads a browser here.
 *
 * <pre>{@code
 * String skip = Chromium.missing();          // null when installed; fails under CI=true
 * try (Chromium chromium = Chromium.launch()) {
 *     Page page = chromium.newPage(Duration.ofSeconds(15), consoleErrors);
 * }
 * }</pre>
 */
public final class Chromium implements AutoCloseable {

    /** Where Debian's {@code chromium} package installs it. */
    public static final Path EXECUTABLE = Path.of("/usr/bin/chromium");

    private static final List<String> ARGS = List.of(
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run");

    private final Playwright playwright;
    private final Browser browser;

    private Chromium(Playwright playwright, Browser browser) {
        this.playwright = playwright;
        this.browser = browser;
    }

    /**
     * Null when Chromium is installed; otherwise why the browser tests are skipped. Under {@code CI=true} a missing
     * browser fails the test instead.
     */
    public static String missing() {
        if (Files.isExecutable(EXECUTABLE)) {
            return null;
        }
        String why =
                "Browser tests need Chromium at " + EXECUTABLE + "; install it with `apt-get install -y chromium`.";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(why + " Under CI=true a missing browser is a failure.");
        }
        return why + " Skipping the browser tests.";
    }

    /** Starts Playwright and a headless Chromium; check {@link #missing()} first. */
    public static Chromium launch() {
        Playwright playwright = Playwright.create(
                new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        try {
            Browser browser = playwright
                    .chromium()
                    .launch(new BrowserType.LaunchOptions()
                            .setExecutablePath(EXECUTABLE)
                            .setHeadless(true)
                            .setArgs(ARGS));
            return new Chromium(playwright, browser);
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    public Browser browser() {
        return browser;
    }

    /**
     * A page in a new context (a new session: no cookies) of 1280×860, with this default timeout; the page's
     * console errors are added to {@code consoleErrors}. Close it with {@code page.context().close()}.
     */
    public Page newPage(Duration timeout, List<String> consoleErrors) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 860));
        Page page = context.newPage();
        page.setDefaultTimeout(timeout.toMillis());
        page.onConsoleMessage(message -> {
            if (message.type().equals("error")) {
                consoleErrors.add(message.text());
            }
        });
        return page;
    }

    /**
     * On the console's chat page: picks the agent offered ("Use this agent"), as a person must before the console
     * talks to any agent, and waits until the message box takes a question.
     */
    public static void useTheAgent(Page page) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Use this agent"))
                .click();
        assertThat(page.getByRole(
                        AriaRole.TEXTBOX,
                        new Page.GetByRoleOptions().setName("Message").setExact(true)))
                .isEnabled();
    }

    @Override
    public void close() {
        browser.close();
        playwright.close();
    }
}
