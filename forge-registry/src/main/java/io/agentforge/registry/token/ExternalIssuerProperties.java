package io.agentforge.registry.token;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * An external OpenID Connect issuer whose JWTs the token endpoint accepts as {@code subject_token}.
 *
 * @param jwtIssuerUri the issuer ({@code iss}); empty = external JWTs are not accepted
 * @param jwtAudience  the audience those JWTs must carry; required when the issuer is set
 */
@ConfigurationProperties("agentforge.registry.security")
public record ExternalIssuerProperties(String jwtIssuerUri, String jwtAudience) {

    public ExternalIssuerProperties {
        jwtIssuerUri = jwtIssuerUri == null || jwtIssuerUri.isBlank() ? null : jwtIssuerUri.strip();
        jwtAudience = jwtAudience == null || jwtAudience.isBlank() ? null : jwtAudience.strip();
        if (jwtIssuerUri != null && jwtAudience == null) {
            throw new IllegalStateException("agentforge.registry.security.jwt-audience is required when"
                    + " agentforge.registry.security.jwt-issuer-uri is set: without it a token issued for any other"
                    + " application of that issuer would be accepted");
        }
    }

    public boolean enabled() {
        return jwtIssuerUri != null;
    }
}
