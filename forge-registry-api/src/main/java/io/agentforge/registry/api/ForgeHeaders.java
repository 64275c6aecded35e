package io.agentforge.registry.api;

import org.jspecify.annotations.Nullable;

/** HTTP header names and credential shapes shared by every Agent Forge service and client. */
public final class ForgeHeaders {

    /** Alternative to {@code Authorization: Bearer} for sending an API key. */
    public static final String API_KEY = "X-API-Key";
    /** Every Agent Forge API key starts with this: {@code af_<keyId>_<secret>}. */
    public static final String API_KEY_PREFIX = "af_";
    /** The challenge sent with 401 answers. */
    public static final String BEARER_CHALLENGE = "Bearer realm=\"agent-forge\"";

    private ForgeHeaders() {}

    /** Whether a presented credential is an Agent Forge API key (as opposed to a JWT). */
    public static boolean isApiKey(@Nullable String credential) {
        return credential != null && credential.startsWith(API_KEY_PREFIX);
    }
}
