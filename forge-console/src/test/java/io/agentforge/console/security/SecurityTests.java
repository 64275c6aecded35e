package io.agentforge.console.security;

import static io.agentforge.console.support.Sessions.onLocalhost;
import static io.agentforge.console.support.Sessions.picked;
import static io.agentforge.console.support.Sessions.signedIn;
import static io.agentforge.console.support.WebTestConfiguration.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.authenticated;
import static org.springframework.security.test.web.servlet.response.SecurityMockMvcResultMatchers.unauthenticated;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.agentforge.console.support.ConsoleWebTest;
import io.agentforge.console.support.FakeAccessTokens;
import io.agentforge.console.support.FakeAgentGateway;
import io.agentforge.console.support.FakeRegistryGateway;
import io.agentforge.console.support.Instances;
import io.agentforge.console.support.WebTestConfiguration;
import io.agentforge.console.support.WithoutLogin;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

@ConsoleWebTest
class SecurityTests {

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
    }

    @Nested
    class Headers {

        @Test
        void everyPageHasAContentSecurityPolicyThatRunsOnlyTheConsolesOwnScripts() throws Exception {
            for (String page : List.of("/", "/registry", "/tools", "/login")) {
                String csp = mvc.perform(get(page).with(signedIn()))
                        .andReturn()
                        .getResponse()
                        .getHeader("Content-Security-Policy");
                assertThat(csp)
                        .as(page)
                        .contains(
                                "script-src 'self'",
                                "object-src 'none'",
                                "frame-ancestors 'none'",
                                "img-src 'self' data:")
                        .doesNotContain("unsafe-inline", "unsafe-eval");
            }
        }

        @Test
        void pagesCannotBeFramedOrLeakTheirAddress() throws Exception {
            mvc.perform(get("/registry").with(signedIn()))
                    .andExpect(header().string("X-Frame-Options", "DENY"))
                    .andExpect(header().string("X-Content-Type-Options", "nosniff"))
                    .andExpect(header().string("Referrer-Policy", "same-origin"));
        }

        @Test
        void pagesCarryNoInlineScript() throws Exception {
            for (String page : List.of("/", "/registry", "/tools", "/login")) {
                String html = mvc.perform(get(page).with(signedIn()))
                        .andReturn()
                        .getResponse()
                        .getContentAsString();
                assertThat(html)
                        .as(page)
                        .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                        .doesNotContainPattern("\\son[a-z]+=\"");
            }
        }
    }

    @Nested
    class ApiKeyLogin {

        @Test
        void aPageVisitWithoutSessionGoesToTheLoginForm() throws Exception {
            mvc.perform(get("/registry")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
            mvc.perform(get("/login"))
                    .andExpect(status().isOk())
                    .andExpect(content().string(containsString("name=\"apiKey\"")))
                    .andExpect(content().string(containsString("name=\"_csrf\"")));
        }

        @Test
        void anHtmxRequestWithoutSessionIsToldToLoadTheLoginPageAndIsNotTheReturnAddress() throws Exception {
            MvcResult result = mvc.perform(get("/registry/services").header("HX-Request", "true"))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("HX-Redirect", "/login"))
                    .andReturn();

            var session = result.getRequest().getSession(false);
            assertThat(session == null ? null : session.getAttribute("SPRING_SECURITY_SAVED_REQUEST"))
                    .as("signing in must not land on a fragment")
                    .isNull();
        }

        @Test
        void aPageVisitIsTheReturnAddressAfterSigningIn() throws Exception {
            MvcResult visit = mvc.perform(get("/registry"))
                    .andExpect(redirectedUrl("/login"))
                    .andReturn();
            MockHttpSession session = (MockHttpSession) visit.getRequest().getSession(false);

            mvc.perform(post("/login").session(session).with(csrf()).param("apiKey", WebTestConfiguration.USER_KEY))
                    .andExpect(status().isFound())
                    .andExpect(redirectedUrl("http://localhost/registry?continue"));
        }

        @Test
        void anHtmxFormSentAfterTheSessionEndedIsToldToSignInNotForbidden() throws Exception {
            mvc.perform(post("/tools/calculator_evaluate/invoke")
                            .header("HX-Request", "true")
                            .param("arg.expression", "1+1")
                            .with(request -> {
                                // The browser still sends the old session's cookie and CSRF token.
                                request.setRequestedSessionId("expired-session");
                                request.setRequestedSessionIdValid(false);
                                return request;
                            }))
                    .andExpect(status().isUnauthorized())
                    .andExpect(header().string("HX-Redirect", "/login"));
        }

        @Test
        void aKeyTheRegistryAcceptsStartsASessionThatKeepsTheKeyServerSide() throws Exception {
            MvcResult login = mvc.perform(post("/login").with(csrf()).param("apiKey", WebTestConfiguration.USER_KEY))
                    .andExpect(status().isFound())
                    .andExpect(redirectedUrl("/"))
                    .andExpect(authenticated().withUsername("af_tester001"))
                    .andReturn();
            MockHttpSession session = (MockHttpSession) login.getRequest().getSession(false);
            agent.answerWith(List.of(Map.entry("done", "{\"answer\":\"ok\"}")));

            mvc.perform(post("/chat/agent")
                            .session(session)
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                            .param("agent", "helper-1"))
                    .andExpect(redirectedUrl("/"));
            String page = mvc.perform(get("/").session(session))
                    .andExpect(status().isOk())
                    .andReturn()
                    .getResponse()
                    .getContentAsString();
            MvcResult stream = mvc.perform(post("/chat/stream")
                            .session(session)
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"message\":\"hi\"}"))
                    .andReturn();
            stream.getAsyncResult(10_000);

            assertThat(page)
                    .contains("af_tester001")
                    .doesNotContain(WebTestConfiguration.USER_KEY)
                    .doesNotContain(WebTestConfiguration.CONSOLE_KEY);
            assertThat(agent.calls())
                    .singleElement()
                    .satisfies(call -> assertThat(call.credential())
                            .isEqualTo(FakeAccessTokens.tokenFor("helper", WebTestConfiguration.USER_KEY)));
        }

        @Test
        void aKeyTheRegistryRefusesReturnsToTheFormWithAnError() throws Exception {
            mvc.perform(post("/login").with(csrf()).param("apiKey", "af_someone01_Not-a-valid-secret-0123456789"))
                    .andExpect(redirectedUrl("/login?error=invalid"))
                    .andExpect(unauthenticated());
            mvc.perform(get("/login").param("error", "invalid"))
                    .andExpect(content().string(containsString("That key was not accepted")));
        }

        @Test
        void anUnreachableRegistryIsNotReportedAsABadKey() throws Exception {
            mvc.perform(post("/login").with(csrf()).param("apiKey", WebTestConfiguration.UNAVAILABLE_KEY))
                    .andExpect(redirectedUrl("/login?error=unavailable"));
        }

        @Test
        void theLoginFormNeedsItsCsrfToken() throws Exception {
            mvc.perform(post("/login").param("apiKey", WebTestConfiguration.USER_KEY))
                    .andExpect(status().isForbidden())
                    .andExpect(unauthenticated());
        }

        @Test
        void signingOutNeedsACsrfTokenAndEndsTheSession() throws Exception {
            mvc.perform(post("/logout").with(signedIn())).andExpect(status().isForbidden());
            mvc.perform(post("/logout").with(signedIn()).with(csrf())).andExpect(redirectedUrl("/login?logout"));
        }
    }

    @Nested
    @WithoutLogin
    class WithoutLoginMode {

        @Test
        void pagesOpenWithoutSignInAndHaveNoSignOut() throws Exception {
            mvc.perform(get("/registry").with(onLocalhost()))
                    .andExpect(status().isOk())
                    .andExpect(content().string(not(containsString("Sign out"))));
            mvc.perform(get("/login").with(onLocalhost())).andExpect(redirectedUrl("/"));
        }

        @Test
        void formsStillNeedTheirCsrfToken() throws Exception {
            mvc.perform(post("/tools/calculator_add/invoke").with(onLocalhost()).param("arg.a", "1"))
                    .andExpect(status().isForbidden());
            mvc.perform(post("/chat/stream")
                            .with(onLocalhost())
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"message\":\"hi\"}"))
                    .andExpect(status().isForbidden());
        }

        @Test
        void theAgentIsCalledWithATokenForTheConsoleItselfNeverItsKey() throws Exception {
            agent.answerWith(List.of(Map.entry("done", "{\"answer\":\"ok\"}")));

            mvc.perform(post("/chat/stream")
                            .session(picked(mvc, "helper-1", onLocalhost()))
                            .with(onLocalhost())
                            .with(csrf())
                            .contentType(MediaType.APPLICATION_JSON)
                            .content("{\"message\":\"hi\"}"))
                    .andReturn()
                    .getAsyncResult(10_000);

            assertThat(agent.calls())
                    .singleElement()
                    .satisfies(
                            call -> assertThat(call.credential()).isEqualTo(FakeAccessTokens.tokenFor("helper", null)));
        }
    }

    @Nested
    @TestPropertySource(
            properties = {
                "agentforge.console.auth=oidc",
                "agentforge.console.oidc.issuer-uri=http://127.0.0.1:1/realms/forge",
                "agentforge.console.oidc.client-id=console"
            })
    class WithOidc {

        @Test
        void aPageVisitWithoutSessionStartsTheOidcLogin() throws Exception {
            mvc.perform(get("/registry"))
                    .andExpect(status().isFound())
                    .andExpect(redirectedUrl("/oauth2/authorization/oidc"));
        }

        @Test
        void anUnreachableProviderSendsTheUserBackToTheLoginPageWithAnExplanation() throws Exception {
            // The issuer is a closed port: discovery fails on the way to the provider.
            mvc.perform(get("/oauth2/authorization/oidc"))
                    .andExpect(status().isFound())
                    .andExpect(redirectedUrl("/login?error=oidc-unavailable"));
            mvc.perform(get("/login").param("error", "oidc-unavailable"))
                    .andExpect(content().string(containsString("can&#39;t be reached right now")));
        }

        @Test
        void theLoginPageOffersTheProviderNotAKeyField() throws Exception {
            mvc.perform(get("/login").param("logout", ""))
                    .andExpect(content().string(containsString("href=\"/oauth2/authorization/oidc\"")))
                    .andExpect(content().string(containsString("You are signed out.")))
                    .andExpect(content().string(not(containsString("name=\"apiKey\""))));
        }
    }
}
