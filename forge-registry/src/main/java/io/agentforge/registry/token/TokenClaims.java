package io.agentforge.registry.token;

import java.util.List;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/** Turns the JWT that Spring Authorization Server's JwtGenerator prepares into the platform's token. */
class TokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {

    private final SigningKeys signingKeys;

    TokenClaims(SigningKeys signingKeys) {
        this.signingKeys = signingKeys;
    }

    @Override
    public void customize(JwtEncodingContext context) {
        if (!(context.getPrincipal() instanceof IssuedIdentity identity)) {
            throw new IllegalStateException("Tokens are only issued for an exchanged identity");
        }
        // The kid pins the active key: the JWK source also holds retired keys that are still published.
        context.getJwsHeader()
                .algorithm(SignatureAlgorithm.ES256)
                .keyId(signingKeys.active().kid());
        context.getClaims()
                .subject(identity.subject().principal())
                .audience(List.of(identity.audience()))
                .claim("roles", identity.subject().roles());
        if (identity.subject().name() != null) {
            context.getClaims().claim("name", identity.subject().name());
        }
        if (!identity.subject().services().isEmpty()) {
            // A scoped service key's limit travels with its tokens (the MCP gateway shows such a caller only these).
            context.getClaims().claim("services", identity.subject().services());
        }
        if (identity.act() != null) {
            context.getClaims().claim("act", identity.act());
        }
    }
}
