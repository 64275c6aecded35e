package io.agentforge.agent.tooling;

import java.util.Objects;

/**
 * For whom the agent calls a tool: the end user who asked (their credential — an {@code af_} key, a registry-issued
 * JWT or a JWT of the external issuer — is the subject of the token exchange, so the tool's token has
 * {@code sub} = the user and {@code act.sub} = the agent), or the agent itself when there is no end user (its security
 * is off). Handed explicitly to every tool call of a question; the tool calls run on other threads.
 */
public final class OnBehalfOf {

    /** No end user (the agent's security is off): the tool's token names the agent as its subject. */
    public static final OnBehalfOf AGENT_ITSELF = new OnBehalfOf(null);

    private final String credential;

    private OnBehalfOf(String credential) {
        this.credential = credential;
    }

    /** The end user who presented {@code credential}. */
    public static OnBehalfOf user(String credential) {
        if (credential == null || credential.isBlank()) {
            throw new IllegalArgumentException("the end user's credential is required");
        }
        return new OnBehalfOf(credential.strip());
    }

    /** The token exchange's subject credential; null when the agent acts for itself. */
    String subjectCredential() {
        return credential;
    }

    public boolean agentItself() {
        return credential == null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof OnBehalfOf that && Objects.equals(credential, that.credential);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(credential);
    }

    @Override
    public String toString() {
        return credential == null ? "OnBehalfOf[the agent itself]" : "OnBehalfOf[an end user]";
    }
}
