package io.agentforge.console.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;

/** Signs in whoever pastes a key the registry accepts; the form's user name is ignored. */
final class ApiKeyAuthenticationProvider implements AuthenticationProvider {

    private final KeyVerifier verifier;

    ApiKeyAuthenticationProvider(KeyVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String key = authentication.getCredentials() == null
                ? ""
                : authentication.getCredentials().toString().strip();
        if (key.isEmpty()) {
            throw new BadCredentialsException("Paste an API key");
        }
        String name = verifier.verify(key);
        // The key rides in the principal: credentials are erased after sign-in, the principal is kept.
        return UsernamePasswordAuthenticationToken.authenticated(
                new ConsoleUser(name, key), null, AuthorityUtils.createAuthorityList("ROLE_USER"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}
