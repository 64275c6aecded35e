package io.agentforge.client;

import org.jspecify.annotations.Nullable;

/** Where a caller gets the short-lived token it sends to a service instead of any long-lived key. */
@FunctionalInterface
public interface AccessTokens {

    /**
     * A JWT for calling the service {@code audience}.
     *
     * @param audience          the target service name
     * @param subjectCredential the end user's credential (an {@code af_} key or a JWT) the call is made on behalf of;
     *                          null when the caller acts for itself
     * @return the token to send as {@code Authorization: Bearer}; never an {@code af_} key
     * @throws RegistryException when no token could be had; {@link RegistryException#isTransient()} says whether
     *                           trying again later may help
     */
    String token(String audience, @Nullable String subjectCredential);
}
