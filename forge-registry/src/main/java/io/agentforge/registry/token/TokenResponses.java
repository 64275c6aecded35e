package io.agentforge.registry.token;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.DefaultOAuth2AccessTokenResponseMapConverter;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.http.converter.OAuth2AccessTokenResponseHttpMessageConverter;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * Writes the token response. SAS's default handler derives {@code expires_in} from the wall clock at writing time
 * (299 for a 300 s token); this one states the token's lifetime as issued.
 */
class TokenResponses implements AuthenticationSuccessHandler {

    @Override
    public void onAuthenticationSuccess(
            HttpServletRequest request, HttpServletResponse response, Authentication authentication)
            throws IOException {
        OAuth2AccessTokenAuthenticationToken issued = (OAuth2AccessTokenAuthenticationToken) authentication;
        OAuth2AccessToken token = issued.getAccessToken();
        long lifetime =
                Duration.between(token.getIssuedAt(), token.getExpiresAt()).toSeconds();
        OAuth2AccessTokenResponse body = OAuth2AccessTokenResponse.withToken(token.getTokenValue())
                .tokenType(token.getTokenType())
                .expiresIn(lifetime)
                .additionalParameters(issued.getAdditionalParameters())
                .build();
        OAuth2AccessTokenResponseHttpMessageConverter converter = new OAuth2AccessTokenResponseHttpMessageConverter();
        DefaultOAuth2AccessTokenResponseMapConverter parameters = new DefaultOAuth2AccessTokenResponseMapConverter();
        converter.setAccessTokenResponseParametersConverter(tokenResponse -> {
            Map<String, Object> map = parameters.convert(tokenResponse);
            map.put(OAuth2ParameterNames.EXPIRES_IN, lifetime);
            return map;
        });
        ServletServerHttpResponse http = new ServletServerHttpResponse(response);
        http.getHeaders().setCacheControl("no-store");
        converter.write(body, null, http);
    }
}
