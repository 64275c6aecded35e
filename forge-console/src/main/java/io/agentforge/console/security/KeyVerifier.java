package io.agentforge.console.security;

/** Checks a key a person pasted into the login form. */
public interface KeyVerifier {

    /**
     * @return a name to show for the key's owner
     * @throws org.springframework.security.authentication.BadCredentialsException    the key is not valid
     * @throws org.springframework.security.authentication.AuthenticationServiceException the check itself failed
     *                                                                                 (registry unreachable)
     */
    String verify(String apiKey);
}
