package io.agentforge.registry.token;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Objects;

/**
 * An ES256 (P-256) signing key with its private part. The active key is the newest one not retired; a retired key
 * stays published until every token it signed has expired.
 */
public record SigningKey(String kid, ECKey jwk, Instant createdAt, Instant retiredAt) {

    public SigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(jwk, "jwk");
        Objects.requireNonNull(createdAt, "createdAt");
        if (!jwk.isPrivate()) {
            throw new IllegalArgumentException("a signing key needs its private part");
        }
    }

    static SigningKey generate(SecureRandom random, Instant now) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            ECKey withoutId = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic())
                    .privateKey((ECPrivateKey) pair.getPrivate())
                    .build();
            String kid = withoutId.computeThumbprint().toString();
            ECKey jwk = new ECKey.Builder(withoutId)
                    .keyID(kid)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .build();
            return new SigningKey(kid, jwk, now, null);
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException | JOSEException e) {
            throw new IllegalStateException("P-256 key generation is part of every JDK", e);
        }
    }

    /** The private JWK as JSON, for the store only. */
    String serialized() {
        return jwk.toJSONString();
    }

    static SigningKey deserialize(String kid, String json, Instant createdAt, Instant retiredAt) {
        try {
            return new SigningKey(kid, ECKey.parse(json), createdAt, retiredAt);
        } catch (ParseException e) {
            throw new IllegalStateException("Stored signing key " + kid + " is not a valid EC JWK", e);
        }
    }

    public boolean active() {
        return retiredAt == null;
    }

    SigningKey retired(Instant at) {
        return new SigningKey(kid, jwk, createdAt, at);
    }

    /** Whether tokens it signed may still be valid at {@code now}, so verifiers must still find it. */
    boolean published(Instant now) {
        return retiredAt == null
                || retiredAt
                        .plus(TokenProperties.MAX_TTL)
                        .plus(TokenProperties.PUBLISH_MARGIN)
                        .isAfter(now);
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", createdAt=" + createdAt + ", retiredAt=" + retiredAt + "]";
    }
}
