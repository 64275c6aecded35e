package io.agentforge.console.security;

import java.io.Serial;
import java.io.Serializable;
import java.security.Principal;

/**
 * Someone signed in with an API key. The key stays in the server-side session and is used for their calls to
 * agents; it is never written into a page.
 *
 * @param name   what the console shows: {@code af_<keyId>} and the registry's principal when known
 * @param apiKey the key itself
 */
public record ConsoleUser(String name, String apiKey) implements Principal, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String toString() {
        return "ConsoleUser[" + name + "]";
    }
}
