package io.agentforge.registry.token;

import com.nimbusds.jwt.JWTParser;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.ApiKeyService;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Recognises a {@code subject_token} by its content and verifies it: an API key {@code af_…}, a JWT this registry
 * issued, or (when configured) a JWT of the external OpenID Connect issuer. Every failure is {@code invalid_grant}.
 */
class SubjectTokens {

    private final ApiKeyService keys;
    private final JwtDecoder registryTokens;
    private final JwtDecoder externalTokens;
    private final String externalIssuer;
    private final ServiceNames names;

    /** @param externalTokens null when no external issuer is configured */
    SubjectTokens(
            ApiKeyService keys,
            JwtDecoder registryTokens,
            JwtDecoder externalTokens,
            String externalIssuer,
            ServiceNames names) {
        this.keys = keys;
        this.registryTokens = registryTokens;
        this.externalTokens = externalTokens;
        this.externalIssuer = externalIssuer;
        this.names = names;
    }

    Subject verify(String token, ApiKeyPrincipal caller) {
        if (token.startsWith("af_")) {
            ApiKeyPrincipal key = keys.authenticate(token)
                    .orElseThrow(() -> invalidGrant("The subject_token API key is malformed, unknown or revoked"));
            return new Subject("key:" + key.keyId(), key.name(), wire(key.roles()), null, key.services());
        }
        String issuer = unverifiedIssuer(token);
        if (externalTokens != null && Objects.equals(issuer, externalIssuer)) {
            return external(token);
        }
        return registry(token, caller);
    }

    private Subject external(String token) {
        Jwt jwt;
        try {
            jwt = externalTokens.decode(token);
        } catch (JwtException e) {
            throw invalidGrant("The subject_token is not a valid, unexpired JWT of " + externalIssuer
                    + " for this platform's audience");
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw invalidGrant("The subject_token has no sub");
        }
        String name = firstText(jwt.getClaimAsString("name"), jwt.getClaimAsString("preferred_username"), subject);
        return new Subject("jwt:" + subject, name, List.of(Role.CLIENT.wireName()), null, List.of());
    }

    private Subject registry(String token, ApiKeyPrincipal caller) {
        Jwt jwt;
        try {
            jwt = registryTokens.decode(token);
        } catch (JwtException e) {
            throw invalidGrant(
                    "The subject_token is neither an API key nor a valid, unexpired token of this" + " registry");
        }
        List<String> audiences = jwt.getAudience() == null ? List.of() : jwt.getAudience();
        if (audiences.stream().noneMatch(audience -> names.mayUse(caller, audience))) {
            throw invalidGrant("The subject_token was issued for " + audiences + ", a service this key does not"
                    + " own: only the token's recipient may exchange it onward");
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            throw invalidGrant("The subject_token has no sub");
        }
        Map<String, Object> act = jwt.getClaimAsMap("act");
        requireActiveKeys(subject, act);
        List<String> roles = jwt.getClaimAsStringList("roles");
        List<String> services = jwt.getClaimAsStringList("services");
        return new Subject(
                subject,
                firstText(jwt.getClaimAsString("name"), subject),
                roles == null ? List.of() : roles,
                act,
                services);
    }

    // A token outlives the revocation of a key in its chain by at most its TTL elsewhere; here it ends at once.
    private void requireActiveKeys(String subject, Map<String, Object> act) {
        List<String> principals = new ArrayList<>();
        principals.add(subject);
        Object actor = act;
        while (actor instanceof Map<?, ?> map) {
            if (map.get("sub") instanceof String sub) {
                principals.add(sub);
            }
            actor = map.get("act");
        }
        for (String principal : principals) {
            if (principal.startsWith("key:")
                    && keys.active(principal.substring(4)).isEmpty()) {
                throw invalidGrant("The subject_token names a revoked or unknown key (" + principal + ")");
            }
        }
    }

    private static String unverifiedIssuer(String token) {
        try {
            return JWTParser.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException | RuntimeException e) {
            throw invalidGrant("The subject_token is neither an API key af_… nor a JWT");
        }
    }

    static List<String> wire(Collection<Role> roles) {
        return roles.stream().map(Role::wireName).sorted().toList();
    }

    private static String firstText(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    private static OAuth2AuthenticationException invalidGrant(String description) {
        return OAuthErrors.error(OAuth2ErrorCodes.INVALID_GRANT, description);
    }
}
