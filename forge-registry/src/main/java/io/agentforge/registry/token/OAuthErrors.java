package io.agentforge.registry.token;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;

/** The token endpoint's errors: OAuth's JSON {@code {"error","error_description"}}, 401 for invalid_client, else 400. */
final class OAuthErrors {

    private static final OAuth2ErrorHttpMessageConverter CONVERTER = new OAuth2ErrorHttpMessageConverter();

    private OAuthErrors() {}

    static OAuth2AuthenticationException error(String code, String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(code, description, null), description);
    }

    static void write(HttpServletResponse response, AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth
                ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Client authentication failed", null);
        write(response, error);
    }

    static void write(HttpServletResponse response, OAuth2Error error) throws IOException {
        boolean invalidClient = OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode());
        ServletServerHttpResponse http = new ServletServerHttpResponse(response);
        http.setStatusCode(invalidClient ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST);
        http.getHeaders().setCacheControl("no-store");
        if (invalidClient) {
            http.getHeaders().set("WWW-Authenticate", "Basic realm=\"agent-forge\", Bearer realm=\"agent-forge\"");
        }
        // No error_uri: the descriptions say what was wrong.
        CONVERTER.write(new OAuth2Error(error.getErrorCode(), error.getDescription(), null), null, http);
    }
}
