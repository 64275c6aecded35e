package io.agentforge.console.support;

import io.agentforge.client.AccessTokens;
import io.agentforge.client.Problem;
import io.agentforge.client.RegistryException;
import io.agentforge.client.TokenExchanger;

/**
 * The registry's token exchange as the web slice sees it: a recognisable stand-in token per (audience, subject) —
 * never the subject's key — and {@link #REFUSED_AUDIENCE} refused the way the registry refuses a revoked subject.
 */
public final class FakeAccessTokens implements AccessTokens {

    /** The audience the fake refuses with {@code invalid_grant}. */
    public static final String REFUSED_AUDIENCE = "refused";

    @Override
    public String token(String audience, String subjectCredential) {
        if (REFUSED_AUDIENCE.equals(audience)) {
            throw new RegistryException(new Problem(
                    400,
                    TokenExchanger.TOKEN_EXCHANGE_PROBLEM,
                    "invalid_grant",
                    "Token exchange for audience 'refused' refused (invalid_grant): the subject key was revoked"));
        }
        return tokenFor(audience, subjectCredential);
    }

    /** The token the fake hands out for {@code audience} on behalf of {@code subjectCredential} (null: the console). */
    public static String tokenFor(String audience, String subjectCredential) {
        String subject = subjectCredential == null
                ? "console"
                : subjectCredential.startsWith("af_")
                        ? "key:" + subjectCredential.split("_")[1]
                        : "jwt";
        return "eyJ.fake." + audience + "." + subject;
    }
}
