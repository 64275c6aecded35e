package io.agentforge.console.support;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;

import io.agentforge.console.security.ConsoleUser;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/** Signed-in requests, as the api-key login leaves them. */
public final class Sessions {

    private Sessions() {}

    public static RequestPostProcessor signedIn() {
        return authentication(UsernamePasswordAuthenticationToken.authenticated(
                new ConsoleUser("af_tester001", WebTestConfiguration.USER_KEY),
                null,
                AuthorityUtils.createAuthorityList("ROLE_USER")));
    }

    /**
     * The {@code Host} header a browser sends to a console on localhost; MockMvc sends none, and without login
     * ({@link WithoutLogin}) the console refuses a request that names no loopback host.
     */
    public static RequestPostProcessor onLocalhost() {
        return request -> {
            request.addHeader("Host", "localhost");
            return request;
        };
    }

    /** A session in which the person picked the agent {@code id} with the picker's form. */
    public static MockHttpSession picked(MockMvc mvc, String id, RequestPostProcessor... with) throws Exception {
        MockHttpSession session = new MockHttpSession();
        var request = post("/chat/agent")
                .session(session)
                .with(csrf())
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .param("agent", id);
        for (RequestPostProcessor processor : with) {
            request.with(processor);
        }
        mvc.perform(request).andExpect(redirectedUrl("/"));
        return session;
    }
}
