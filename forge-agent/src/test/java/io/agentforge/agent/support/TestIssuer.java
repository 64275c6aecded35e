package io.agentforge.agent.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Instant;
import java.util.Date;

/** An OIDC issuer on WireMock: discovery document and JWKS, and tokens signed with its RSA key. */
public final class TestIssuer {

    private final String issuer;
    private final RSAKey key;

    public TestIssuer(WireMockServer server) {
        try {
            this.key = new RSAKeyGenerator(2048).keyID("test-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.issuer = server.baseUrl() + "/issuer";
        server.stubFor(get(urlEqualTo("/issuer/.well-known/openid-configuration"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody("""
                        {"issuer":"%s","jwks_uri":"%s/jwks","authorization_endpoint":"%s/auth",
                         "token_endpoint":"%s/token","subject_types_supported":["public"],
                         "response_types_supported":["code"],"id_token_signing_alg_values_supported":["RS256"]}""".formatted(issuer, issuer, issuer, issuer))));
        server.stubFor(get(urlEqualTo("/issuer/jwks"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", "application/json")
                        .withBody(new JWKSet(key.toPublicJWK()).toString())));
    }

    public String issuer() {
        return issuer;
    }

    /** The audience the agent under test expects. */
    public static final String AUDIENCE = "agent-forge";

    /** A token for {@code subject} (none when null) from this issuer, for the agent, valid for an hour. */
    public String token(String subject) {
        return sign(subject, AUDIENCE, key);
    }

    /** A token from this issuer meant for another audience. */
    public String tokenFor(String subject, String audience) {
        return sign(subject, audience, key);
    }

    /** A token that looks right but is signed with a key the issuer never published. */
    public String forgedToken(String subject) {
        try {
            return sign(
                    subject,
                    AUDIENCE,
                    new RSAKeyGenerator(2048).keyID("test-key").generate());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private String sign(String subject, String audience, RSAKey signingKey) {
        try {
            Instant now = Instant.now();
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("test-key").build(),
                    new JWTClaimsSet.Builder()
                            .issuer(issuer)
                            .subject(subject)
                            .audience(audience)
                            .issueTime(Date.from(now))
                            .expirationTime(Date.from(now.plusSeconds(3600)))
                            .build());
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
