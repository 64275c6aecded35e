package io.agentforge.console.security;

import io.agentforge.web.ProblemWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * Sends a page visit to the login page, but answers 401 to script requests: an htmx request gets
 * {@code HX-Redirect} (htmx then loads the login page instead of swapping it into a fragment), a stream or JSON
 * request gets a problem detail it can show.
 */
final class ConsoleEntryPoint implements AuthenticationEntryPoint {

    private final LoginUrlAuthenticationEntryPoint pages;
    private final String loginUrl;

    ConsoleEntryPoint(String loginUrl) {
        this.loginUrl = loginUrl;
        this.pages = new LoginUrlAuthenticationEntryPoint(loginUrl);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException, jakarta.servlet.ServletException {
        if (request.getHeader("HX-Request") != null) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setHeader("HX-Redirect", request.getContextPath() + loginUrl);
            return;
        }
        String accept = request.getHeader(HttpHeaders.ACCEPT);
        boolean script = accept != null
                && (accept.contains(MediaType.TEXT_EVENT_STREAM_VALUE)
                        || accept.contains(MediaType.APPLICATION_JSON_VALUE)
                                && !accept.contains(MediaType.TEXT_HTML_VALUE));
        if (script) {
            ProblemWriter.write(
                    response,
                    HttpServletResponse.SC_UNAUTHORIZED,
                    "unauthenticated",
                    "Sign in first",
                    "Your console session has ended; reload the page to sign in again");
            return;
        }
        pages.commence(request, response, e);
    }
}
