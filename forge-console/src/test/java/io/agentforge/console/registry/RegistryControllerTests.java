package io.agentforge.console.registry;

import static io.agentforge.console.support.Sessions.signedIn;
import static io.agentforge.console.support.WebTestConfiguration.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.agentforge.client.RegistryUnreachableException;
import io.agentforge.console.support.ConsoleWebTest;
import io.agentforge.console.support.FakeRegistryGateway;
import io.agentforge.console.support.Instances;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

@ConsoleWebTest
class RegistryControllerTests {

    @Autowired
    MockMvc mvc;

    @Autowired
    FakeRegistryGateway registry;

    @Autowired
    RegistryFeed feed;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void aToolAndAnAgentAreRegistered() {
        registry.clear();
        registry.add(Instances.agent("helper-1", "helper", "http://10.1.1.1:8082", NOW.minusSeconds(4)));
        registry.add(Instances.tool(
                "calc-1",
                "calculator",
                "http://10.1.1.2:8083",
                InstanceStatus.UP,
                NOW.minusSeconds(12),
                "calculator_add",
                "calculator_divide"));
        registry.add(Instances.tool(
                "calc-2",
                "calculator",
                "http://10.1.1.3:8083",
                InstanceStatus.DOWN,
                NOW.minusSeconds(125),
                "calculator_add",
                "calculator_divide"));
    }

    @Test
    void showsEachInstanceWithKindStatusEndpointVersionHeartbeatLeaseAndFunctions() throws Exception {
        String html = page("/registry");

        assertThat(html)
                .contains("helper", "AGENT", "calculator", "TOOL", "1 of 2 up")
                .contains("calc-1", "http://10.1.1.2:8083", "0.9.1", "12 s ago", "in 18 s", "(30s)")
                .contains("calc-2", ">DOWN<", "2 min ago")
                .contains("href=\"/tools?q=calculator_divide\"");
        assertThat(html.indexOf("helper-1")).as("agents first").isLessThan(html.indexOf("calc-1"));
    }

    @Test
    void theLiveFragmentIsJustThePartThatChanges() throws Exception {
        String fragment = page("/registry/services");

        assertThat(fragment)
                .startsWith("<div id=\"live\"")
                .contains("calc-1", "hx-trigger=")
                .doesNotContain("<html", "class=\"topbar\"");
    }

    @Test
    void theKindFilterAsksTheRegistryForThatKindOnly() throws Exception {
        String html = page("/registry?kind=tool");

        assertThat(registry.queries().getLast().kind()).isEqualTo(ServiceKind.TOOL);
        assertThat(html).contains("calc-1").doesNotContain("helper-1");
    }

    @Test
    void anUnreachableRegistryIsShownAsAnAlert() throws Exception {
        registry.failWith(
                new RegistryUnreachableException("GET http://registry:8081/api/v1/services got no answer", null));

        assertThat(page("/registry")).contains("role=\"alert\"", "got no answer");
    }

    @Test
    void theChartDrawsRegisteredAndUpInstancesOverTheLastMinutes() throws Exception {
        feed.sampleNow();
        clock.advance(Duration.ofSeconds(30));
        registry.add(Instances.tool(
                "calc-3",
                "calculator",
                "http://10.1.1.4:8083",
                InstanceStatus.UP,
                NOW,
                "calculator_add",
                "calculator_divide"));
        feed.sampleNow();

        String html = page("/registry");

        assertThat(html)
                .contains("class=\"line registered\"", "class=\"line up\"", "peak 4")
                .containsPattern("aria-label=\"Over the last [^\"]*: now 4 registered, 3 up");
    }

    @Test
    void theChangeFeedIsRelayedToTheBrowserAsAnEventStream() throws Exception {
        mvc.perform(get("/registry/events").with(signedIn()))
                .andExpect(request().asyncStarted());

        assertThat(feed.browserCount()).isPositive();
    }

    private String page(String url) throws Exception {
        return mvc.perform(get(url).with(signedIn()))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString();
    }
}
