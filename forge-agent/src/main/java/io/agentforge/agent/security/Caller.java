package io.agentforge.agent.security;

/**
 * Who is asking: an API key ({@code key:<keyId>}), a user named by a registry-issued token (its {@code sub}, e.g.
 * {@code key:<keyId>} or {@code jwt:<sub>}) or a JWT of the external issuer ({@code jwt:<issuer>#<sub>});
 * conversations belong to it.
 *
 * @param credential what the caller authenticated with (their {@code af_} key or the JWT): the subject of the token
 *                   exchange for every tool call made for them; null only for {@link #ANONYMOUS} (security off).
 *                   Never logged: {@link #toString()} leaves it out
 */
public record Caller(String id, String name, String credential) {

    /** The caller when the agent's security is switched off: tools are then called by the agent for itself. */
    public static final Caller ANONYMOUS = new Caller("anonymous", "anonymous", null);

    public Caller {
        if (credential == null && !"anonymous".equals(id)) {
            throw new IllegalArgumentException("An authenticated caller needs the credential it presented");
        }
    }

    @Override
    public String toString() {
        return "Caller[id=" + id + ", name=" + name + "]";
    }
}
