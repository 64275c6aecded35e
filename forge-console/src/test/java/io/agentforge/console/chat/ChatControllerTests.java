package io.agentforge.console.chat;

import static io.agentforge.console.support.Sessions.picked;
import static io.agentforge.console.support.Sessions.signedIn;
import static io.agentforge.console.support.WebTestConfiguration.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.agentforge.client.Problem;
import io.agentforge.client.RegistryUnreachableException;
import io.agentforge.console.support.ConsoleWebTest;
import io.agentforge.console.support.FakeAccessTokens;
import io.agentforge.console.support.FakeAgentGateway;
import io.agentforge.console.support.FakeRegistryGateway;
import io.agentforge.console.support.Instances;
import io.agentforge.console.support.WebTestConfiguration;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import tools.jackson.databind.json.JsonMapper;

@ConsoleWebTest
class ChatControllerTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Autowired
    MockMvc mvc;

    @Autowired
    FakeRegistryGateway registry;

    @Autowired
    FakeAgentGateway agent;

    @BeforeEach
    void oneAgentIsUp() {
        registry.clear();
        agent.clear();
        registry.add(Instances.agent("helper-1", "helper", "http://10.1.1.1:8082", NOW));
        registry.add(Instances.tool(
                "calc-1",
                "calculator",
                "http://10.1.1.2:8083",
                io.agentforge.registry.api.InstanceStatus.UP,
                NOW,
                "calculator_evaluate"));
    }

    @Nested
    class Page {

        @Test
        void thePickerOffersTheUpAgentsFromTheRegistry() throws Exception {
            registry.add(Instances.agent("writer-1", "writer", "http://10.1.1.3:8082", NOW));

            String html = mvc.perform(get("/").with(signedIn()))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html)
                    .contains("value=\"helper-1\"", "value=\"writer-1\"", "helper · v1.2.0")
                    .doesNotContain("value=\"calc-1\"")
                    .contains("id=\"composer\"", "aria-describedby=\"composer-hint\"", "for=\"message\"");
            assertThat(registry.queries()).anySatisfy(query -> {
                assertThat(query.kind()).isEqualTo(io.agentforge.registry.api.ServiceKind.AGENT);
                assertThat(query.status()).isEqualTo(io.agentforge.registry.api.InstanceStatus.UP);
            });
        }

        @Test
        void withOneAgentAndNonePickedThePageOffersItAndCallsNoAgent() throws Exception {
            String html = mvc.perform(get("/").param("c", "conv-1").with(signedIn()))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html)
                    .contains(
                            "action=\"/chat/agent\"",
                            "name=\"_csrf\"",
                            "Use this agent",
                            "Pick an agent to start",
                            "value=\"helper-1\"")
                    .doesNotContain("hx-get=\"/chat/conversations");
            assertThat(html).containsPattern("<textarea[^>]*disabled");
            assertThat(agent.credentials()).isEmpty();
        }

        @Test
        void aLinkNamingAnAgentOnlyPreselectsItInThePicker() throws Exception {
            registry.add(Instances.agent("writer-1", "writer", "http://10.1.1.3:8082", NOW));

            String html = mvc.perform(get("/").param("agent", "writer-1")
                            .param("c", "conv-1")
                            .with(signedIn()))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html)
                    .containsPattern("value=\"writer-1\"\\s+selected")
                    .doesNotContain("hx-get=\"/chat/conversations");
            assertThat(agent.credentials()).isEmpty();
        }

        @Test
        void pickingAnAgentIsAFormPostWithItsCsrfTokenAndThenThePageTalksToIt() throws Exception {
            mvc.perform(post("/chat/agent")
                            .with(signedIn())
                            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                            .param("agent", "helper-1"))
                    .andExpect(status().isForbidden());
            MockHttpSession session = picked(mvc, "helper-1", signedIn());

            String html = mvc.perform(get("/").session(session).with(signedIn()))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html)
                    .contains("hx-get=\"/chat/conversations?c=\"", "data-agent=\"helper-1\"")
                    .doesNotContain("Pick an agent to start")
                    .doesNotContainPattern("<textarea[^>]*disabled");
        }

        @Test
        void aLinkNamingAnotherAgentKeepsThePickAndOffersTheSwitch() throws Exception {
            registry.add(Instances.agent("writer-1", "writer", "http://10.1.1.3:8082", NOW));
            MockHttpSession session = picked(mvc, "helper-1", signedIn());

            String html = mvc.perform(
                            get("/").param("agent", "writer-1").session(session).with(signedIn()))
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html)
                    .contains("data-agent=\"helper-1\"", "You are talking to")
                    .containsPattern("value=\"writer-1\"\\s+selected");
        }

        @Test
        void pickingAnAgentNotInTheRegistryPicksNothingAndSaysSo() throws Exception {
            MockHttpSession session = new MockHttpSession();
            mvc.perform(post("/chat/agent")
                            .session(session)
                            .with(signedIn())
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                            .param("agent", "attacker-1"))
                    .andExpect(redirectedUrl("/"))
                    .andExpect(flash().attributeExists("pickProblem"));

            assertThat(session.getAttributeNames().asIterator())
                    .toIterable()
                    .noneMatch(name -> name.endsWith(".agent"));
        }

        @Test
        void aPickedAgentThatRestartedIsFoundAgainByItsServiceName() throws Exception {
            MockHttpSession session = picked(mvc, "helper-1", signedIn());
            registry.clear();
            registry.add(Instances.agent("helper-2", "helper", "http://10.1.1.9:8082", NOW));

            String html = mvc.perform(get("/").session(session).with(signedIn()))
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html).contains("data-agent=\"helper-2\"");
        }

        @Test
        void aPickedAgentThatIsGoneAsksForANewPick() throws Exception {
            MockHttpSession session = picked(mvc, "helper-1", signedIn());
            registry.clear();
            registry.add(Instances.agent("writer-1", "writer", "http://10.1.1.3:8082", NOW));

            String html = mvc.perform(
                            get("/").param("c", "conv-1").session(session).with(signedIn()))
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html).contains("The agent you picked is gone.").doesNotContain("data-agent=\"writer-1\"");
            assertThat(agent.credentials()).isEmpty();
        }

        @Test
        void anUnreachableRegistryIsSaidPlainly() throws Exception {
            registry.failWith(
                    new RegistryUnreachableException("GET http://registry/api/v1/services got no answer", null));

            mvc.perform(get("/").with(signedIn()))
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("The registry can't be reached.")));
        }

        @Test
        void noAgentUpDisablesTheComposerAndSaysWhy() throws Exception {
            registry.clear();

            String html = mvc.perform(get("/").with(signedIn()))
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html).contains("No agent available").contains("disabled");
        }

        @Test
        void aReopenedConversationShowsItsTurnsStepsAndSafelyRenderedAnswers() throws Exception {
            agent.addConversation(new Conversations.Conversation(
                    "conv-1",
                    "Sums",
                    NOW,
                    NOW,
                    List.of(new Conversations.Turn(
                            "What is 2+2?",
                            "It is **4**.<script>alert('x')</script><img src=x onerror=alert(1)>",
                            List.of(new Conversations.Step(
                                    "calculator_evaluate",
                                    MAPPER.readTree("{\"expression\":\"2+2\"}"),
                                    MAPPER.readTree("{\"result\":\"4\"}"),
                                    null,
                                    3)),
                            NOW))));

            String html = mvc.perform(get("/").param("c", "conv-1")
                            .session(picked(mvc, "helper-1", signedIn()))
                            .with(signedIn()))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html)
                    .contains("What is 2+2?", "calculator_evaluate", "3 ms", "<strong>4</strong>", "value=\"conv-1\"");
            assertThat(html)
                    .contains("&lt;script&gt;alert")
                    .doesNotContain("<script>alert")
                    .doesNotContain("<img src=x");
            assertThat(agent.credentials())
                    .as("a token for the agent on the user's behalf, never their key")
                    .containsOnly(FakeAccessTokens.tokenFor("helper", WebTestConfiguration.USER_KEY));
        }

        @Test
        void anUnknownConversationIsReportedNotFatal() throws Exception {
            mvc.perform(get("/").param("c", "gone-1")
                            .session(picked(mvc, "helper-1", signedIn()))
                            .with(signedIn()))
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("Conversation not found")));
        }
    }

    @Nested
    class History {

        @Test
        void listsTheCallersConversationsAsLinksThatReopenThem() throws Exception {
            agent.addConversation(new Conversations.Conversation(
                    "conv-7", "Compound interest", NOW.minusSeconds(120), NOW.minusSeconds(120), List.of()));

            String html = mvc.perform(get("/chat/conversations")
                            .param("c", "conv-7")
                            .header("HX-Request", "true")
                            .session(picked(mvc, "helper-1", signedIn()))
                            .with(signedIn()))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();

            assertThat(html)
                    .contains("Compound interest", "2 min ago", "href=\"/?c=conv-7\"", "aria-current=\"page\"")
                    .doesNotContain("<html");
        }

        @Test
        void anUnreachableAgentIsShownInsteadOfTheList() throws Exception {
            agent.failWith(new AgentException(new Problem(
                    0,
                    AgentException.UNREACHABLE,
                    "Agent unreachable",
                    "The agent at http://10.1.1.1:8082 can't be reached")));

            mvc.perform(get("/chat/conversations")
                            .session(picked(mvc, "helper-1", signedIn()))
                            .with(signedIn()))
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("Agent unreachable")));
        }

        @Test
        void withoutAPickNoAgentIsAskedEvenWhenTheRequestNamesOne() throws Exception {
            mvc.perform(get("/chat/conversations").param("agent", "helper-1").with(signedIn()))
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("No agent picked")));
            assertThat(agent.credentials()).isEmpty();
        }
    }

    @Nested
    class Stream {

        @Test
        void relaysStepsAndDeltasAndRendersTheFinalAnswerInert() throws Exception {
            agent.answerWith(
                    List.of(
                            Map.entry(
                                    "step",
                                    "{\"id\":\"call_1\",\"phase\":\"started\",\"step\":{\"tool\":\"calculator_evaluate\","
                                            + "\"arguments\":{\"expression\":\"6*7\"},\"result\":null,\"error\":null,\"durationMs\":0}}"),
                            Map.entry(
                                    "step",
                                    "{\"id\":\"call_1\",\"phase\":\"finished\",\"step\":{\"tool\":\"calculator_evaluate\","
                                            + "\"arguments\":{\"expression\":\"6*7\"},\"result\":{\"result\":\"42\"},\"error\":null,"
                                            + "\"durationMs\":3}}"),
                            Map.entry("delta", "{\"text\":\"It is 42\"}"),
                            Map.entry(
                                    "done",
                                    "{\"conversationId\":\"c-1\",\"answer\":\"It is **42**"
                                            + "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1))\","
                                            + "\"steps\":[],\"model\":\"offline\",\"usage\":{\"totalTokens\":0},\"durationMs\":9}")));

            String body = stream("{\"agent\":\"helper-1\",\"message\":\"6 times 7?\",\"model\":\"gpt-4o\","
                    + "\"temperature\":0.2,\"maxSteps\":4}");

            assertThat(body).contains("event:step", "\"phase\":\"finished\"", "event:delta", "event:done");
            String done = data(body, "done");
            String html = MAPPER.readTree(done).path("answerHtml").asString();
            assertThat(html)
                    .contains("<strong>42</strong>", "&lt;script&gt;", "&lt;img src=x onerror=alert(1)&gt;")
                    .doesNotContain("<script", "<img", "javascript:");
            FakeAgentGateway.Call call = agent.calls().getFirst();
            assertThat(call.agent().baseUrl()).isEqualTo(URI.create("http://10.1.1.1:8082"));
            assertThat(call.command()).isEqualTo(new ChatCommand("helper-1", "6 times 7?", null, "gpt-4o", 0.2, 4));
        }

        @Test
        void relaysWhichToolsTheAgentOfferedAndDropsEventsItDoesNotKnow() throws Exception {
            agent.answerWith(List.of(
                    Map.entry(
                            "tools",
                            "{\"mode\":\"search\",\"total\":400,\"offered\":[\"units_convert\",\"search_tools\"],"
                                    + "\"reason\":null}"),
                    Map.entry("future-event", "{\"x\":1}"),
                    Map.entry("done", "{\"answer\":\"ok\"}")));

            String body = stream("{\"message\":\"convert 3 miles\"}");

            assertThat(MAPPER.readTree(data(body, "tools"))
                            .path("offered")
                            .get(1)
                            .asString())
                    .isEqualTo("search_tools");
            assertThat(body).doesNotContain("future-event");
        }

        @Test
        void callsTheAgentWithATokenForTheSignedInUserNeverAKey() throws Exception {
            agent.answerWith(List.of(Map.entry("done", "{\"answer\":\"ok\"}")));

            stream("{\"message\":\"hi\",\"conversationId\":\"c-42\"}");

            assertThat(agent.calls()).singleElement().satisfies(call -> {
                assertThat(call.credential())
                        .isEqualTo(FakeAccessTokens.tokenFor("helper", WebTestConfiguration.USER_KEY));
                assertThat(call.command().conversationId()).isEqualTo("c-42");
            });
        }

        @Test
        void aRateLimitedAgentBecomesAnErrorSayingWhenToRetry() throws Exception {
            agent.failWith(new AgentException(
                    new Problem(429, null, "Too Many Requests", "Slow down"), Duration.ofSeconds(7), null));

            String error = data(stream("{\"message\":\"hi\"}"), "error");

            assertThat(MAPPER.readTree(error).path("status").asInt()).isEqualTo(429);
            assertThat(MAPPER.readTree(error).path("retryAfter").asInt()).isEqualTo(7);
            assertThat(MAPPER.readTree(error).path("message").asString()).contains("Try again in 7 s");
        }

        @Test
        void anUnreachableAgentBecomesAnErrorSayingSo() throws Exception {
            agent.failWith(new AgentException(new Problem(
                    0,
                    AgentException.UNREACHABLE,
                    "Agent unreachable",
                    "The agent at http://10.1.1.1:8082 can't be reached (ConnectException)")));

            String error = data(stream("{\"message\":\"hi\"}"), "error");

            assertThat(MAPPER.readTree(error).path("type").asString()).isEqualTo(AgentException.UNREACHABLE.toString());
            assertThat(MAPPER.readTree(error).path("message").asString()).startsWith("The agent can't be reached");
        }

        @Test
        void withoutAPickTheQuestionIsRefusedAndNoAgentCalled() throws Exception {
            mvc.perform(post("/chat/stream")
                            .with(signedIn())
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
                            .content("{\"agent\":\"helper-1\",\"message\":\"hi\"}"))
                    .andExpect(status().isConflict())
                    .andExpect(jsonPath("$.title").value("No agent picked"));
            assertThat(agent.calls()).isEmpty();
        }

        @Test
        void anAgentIdOtherThanThePickedOneIsNeverCalledAndTheProblemSaysToReload() throws Exception {
            mvc.perform(post("/chat/stream")
                            .session(picked(mvc, "helper-1", signedIn()))
                            .with(signedIn())
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
                            .content("{\"agent\":\"attacker-1\",\"message\":\"hi\"}"))
                    .andExpect(status().isConflict())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value(AgentException.NO_AGENT.toString()))
                    .andExpect(jsonPath("$.detail").value(containsString("Reload the page")));
            assertThat(agent.calls()).isEmpty();
        }

        @Test
        void withNoAgentUpTheQuestionIsRefusedBeforeTheStreamStarts() throws Exception {
            registry.clear();

            mvc.perform(post("/chat/stream")
                            .with(signedIn())
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
                            .content("{\"message\":\"hi\"}"))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.detail").value(containsString("No agent is registered")));
            assertThat(agent.calls()).isEmpty();
        }

        @Test
        void aBlankQuestionIsABadRequestProblem() throws Exception {
            mvc.perform(post("/chat/stream")
                            .with(signedIn())
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
                            .content("{\"message\":\"   \"}"))
                    .andExpect(status().isBadRequest())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                    .andExpect(jsonPath("$.type").value("urn:agentforge:problem:validation"))
                    .andExpect(jsonPath("$.field").value("message"));
            assertThat(agent.calls()).isEmpty();
        }

        @Test
        void aQuestionWithoutCsrfTokenIsRefused() throws Exception {
            mvc.perform(post("/chat/stream")
                            .with(signedIn())
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"message\":\"hi\"}"))
                    .andExpect(status().isForbidden());
            assertThat(agent.calls()).isEmpty();
        }

        @Test
        void aQuestionWithoutSessionGetsAProblemNotTheLoginPage() throws Exception {
            mvc.perform(post("/chat/stream")
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_PROBLEM_JSON)
                            .content("{\"message\":\"hi\"}"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(jsonPath("$.title").value("Sign in first"));
        }

        private String stream(String json) throws Exception {
            MvcResult result = mvc.perform(post("/chat/stream")
                            .session(picked(mvc, "helper-1", signedIn()))
                            .with(signedIn())
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .accept(MediaType.TEXT_EVENT_STREAM)
                            .content(json))
                    .andExpect(request().asyncStarted())
                    .andReturn();
            result.getAsyncResult(10_000);
            return result.getResponse().getContentAsString();
        }
    }

    /** The data line of the first event with this name. */
    static String data(String stream, String event) {
        String[] lines = stream.split("\n");
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].equals("event:" + event) && lines[i + 1].startsWith("data:")) {
                return lines[i + 1].substring("data:".length());
            }
        }
        throw new AssertionError("no '" + event + "' event in:\n" + stream);
    }
}
