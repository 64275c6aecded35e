package io.agentforge.agent.tooling;

import java.util.Objects;

/**
 * For whom the agent calls a tool: the end user who asked (their credential — an {@code af_} key, a registry-issued
 * JWT or a JWT of the external issuer — is the subject of the token exchange, so the tool's token has
 * {@code sub} = the user and {@code act.sub} = the agent), or the agent itself when there is no end user (its security
 * is off). Handed explicitly to every tool call of a question; the tool calls run on other threads. It also says how
 * many agents the question has passed through (agent-to-agent delegation), so a delegation chain stays bounded.
 */
public final class OnBehalfOf {

    /** No end user (the agent's security is off): the tool's token names the agent as its subject. */
    public static final OnBehalfOf AGENT_ITSELF = new OnBehalfOf(null, 0);

    private final String credential;
    private final int delegationDepth;

    private OnBehalfOf(String credential, int delegationDepth) {
        this.credential = credential;
        this.delegationDepth = delegationDepth;
    }

    /** The end user who presented {@code credential}. */
    public static OnBehalfOf user(String credential) {
        if (credential == null || credential.isBlank()) {
            throw new IllegalArgumentException("the end user's credential is required");
        }
        return new OnBehalfOf(credential.strip(), 0);
    }

    /** The same caller, for a question that reached this agent through {@code depth} delegations. */
    public OnBehalfOf delegatedTimes(int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("delegation depth must not be negative");
        }
        return new OnBehalfOf(credential, depth);
    }

    /** How many agents handed the question on before it reached this agent; 0 when a person asked directly. */
    public int delegationDepth() {
        return delegationDepth;
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
        return other instanceof OnBehalfOf that
                && Objects.equals(credential, that.credential)
                && delegationDepth == that.delegationDepth;
    }

    @Override
    public int hashCode() {
        return Objects.hash(credential, delegationDepth);
    }

    @Override
    public String toString() {
        return credential == null ? "OnBehalfOf[the agent itself]" : "OnBehalfOf[an end user]";
    }
}
