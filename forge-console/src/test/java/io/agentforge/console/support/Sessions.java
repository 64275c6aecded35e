package io.agentforge.console.support;

import io.agentforge.console.security.ConsoleUser;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.authentication;

/** Signed-in requests, as the api-key login leaves them. */
public final class Sessions {

    private Sessions() {
    }

    public static RequestPostProcessor signedIn() {
        return authentication(UsernamePasswordAuthenticationToken.authenticated(
                new ConsoleUser("af_tester001", WebTestConfiguration.USER_KEY), null,
                AuthorityUtils.createAuthorityList("ROLE_USER")));
    }
}
