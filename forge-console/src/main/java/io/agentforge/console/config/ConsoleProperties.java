package io.agentforge.console.config;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The console's own settings. The registry URL, the console's key ({@code agentforge.api-key}: it reads the registry
 * and exchanges tokens there, for the signed-in person or for itself in {@code none} mode, and never goes to an
 * agent, a tool or a browser) and the outbound policy of the Tools page ({@code agentforge.outbound.*}) are the
 * starter's {@code ForgeProperties}.
 *
 * @param console the console's own behaviour
 */
@ConfigurationProperties("agentforge")
public record ConsoleProperties(@DefaultValue Console console) {

    /**
     * @param auth         who may use the console: {@code none}, {@code api-key} or {@code oidc}
     * @param agentUrl     a fixed agent base URL; blank to pick agents from the registry
     * @param agentService the service name of the agent at {@code agentUrl}: the audience of the tokens the console
     *                     gets for it (agents picked from the registry bring their own)
     * @param secureCookie whether the session cookie is {@code Secure}; unset: yes unless {@code auth} is
     *                     {@code none} (loopback only, typically plain http)
     * @param agentTimeout how long to wait for an agent to start answering (the stream itself may take longer)
     * @param chartInterval how often the registry chart samples instance counts
     * @param chartSamples how many samples the chart keeps
     * @param oidc         the OpenID Connect provider for {@code auth=oidc}
     * @param traceUrlTemplate a link to an answer's trace, {@code {traceId}} standing for its id (e.g.
     *                     {@code http://localhost:16686/trace/{traceId}} for Jaeger); blank: answers show no link
     */
    public record Console(
            @DefaultValue("api-key") AuthMode auth,
            String agentUrl,
            @DefaultValue("agent") String agentService,
            Boolean secureCookie,
            @DefaultValue("30s") Duration agentTimeout,
            @DefaultValue("10s") Duration chartInterval,
            @DefaultValue("60") int chartSamples,
            @DefaultValue Oidc oidc,
            String traceUrlTemplate) {

        public Console {
            traceUrlTemplate = traceUrlTemplate == null || traceUrlTemplate.isBlank() ? null : traceUrlTemplate.strip();
            if (traceUrlTemplate != null
                    && (!traceUrlTemplate.contains("{traceId}")
                            || !(traceUrlTemplate.startsWith("http://") || traceUrlTemplate.startsWith("https://")))) {
                throw new IllegalArgumentException("agentforge.console.trace-url-template must be an http(s) URL"
                        + " containing {traceId}, e.g. http://localhost:16686/trace/{traceId}");
            }
            agentUrl = agentUrl == null || agentUrl.isBlank() ? null : agentUrl.strip();
            agentService = agentService == null || agentService.isBlank() ? "agent" : agentService.strip();
            if (chartSamples < 2) {
                throw new IllegalArgumentException("agentforge.console.chart-samples must be at least 2");
            }
        }

        /** Whether the session cookie must only travel over HTTPS. */
        public boolean secureCookieEffective() {
            return secureCookie != null ? secureCookie : auth != AuthMode.NONE;
        }
    }

    /** The OpenID Connect client; the provider's endpoints are discovered from the issuer on first login. */
    public record Oidc(
            String issuerUri,
            String clientId,
            String clientSecret,
            @DefaultValue({"openid", "profile", "email"}) List<String> scopes) {

        public Oidc {
            issuerUri = blankToNull(issuerUri);
            clientId = blankToNull(clientId);
            clientSecret = blankToNull(clientSecret);
            scopes = scopes == null ? List.of("openid") : List.copyOf(scopes);
        }

        @Override
        public String toString() {
            return "Oidc[issuerUri=" + issuerUri + ", clientId=" + clientId + ", clientSecret="
                    + (clientSecret == null ? "none" : "***") + ", scopes=" + scopes + "]";
        }
    }

    /** How people sign in to the console. */
    public enum AuthMode {
        /** No login; only allowed when the console listens on a loopback address. */
        NONE,
        /** A login form where the user pastes a client key, kept in the server-side session. */
        API_KEY,
        /** OAuth2 login against an OpenID Connect provider. */
        OIDC
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
