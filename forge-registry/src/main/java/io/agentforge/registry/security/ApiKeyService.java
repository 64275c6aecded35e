package io.agentforge.registry.security;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyInfo;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.InvalidFieldException;
import io.agentforge.registry.api.Role;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issues, checks and revokes API keys {@code af_<keyId>_<secret>}. Secrets are 256 random bits, so a single
 * SHA-256 is a sufficient hash (no password stretching needed), and lookups go by key id.
 */
public class ApiKeyService {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);
    private static final Pattern KEY = Pattern.compile("af_([a-z0-9]{8,32})_([A-Za-z0-9_-]{16,128})");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final ApiKeyStore store;
    private final Clock clock;
    private final SecurityProperties properties;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeyStore store, Clock clock, SecurityProperties properties) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
    }

    /**
     * Provisions the configured service keys, and makes sure an admin key exists: the configured one, or a generated
     * one printed once to {@code out}. Configured keys are (re)activated at every start: they are managed by the
     * configuration, so revoking one means removing it there.
     *
     * @throws IllegalStateException for a malformed configured key; the message never contains a secret
     */
    public void bootstrap(PrintStream out) {
        String configured = properties.adminKey();
        ConfiguredKey admin = null;
        if (configured != null && !configured.isBlank()) {
            Matcher matcher = KEY.matcher(configured.trim());
            if (!matcher.matches()) {
                throw new IllegalStateException("AGENTFORGE_ADMIN_KEY must look like af_<keyId>_<secret>: keyId of 8-32"
                        + " lower-case letters or digits, secret of 16-128 characters [A-Za-z0-9_-]");
            }
            admin = new ConfiguredKey("bootstrap-admin", Set.of(Role.ADMIN), matcher.group(1), matcher.group(2));
        }
        // Everything is checked before anything is stored: a bad entry leaves the store as it was.
        List<ConfiguredKey> keys = new ArrayList<>();
        Set<String> keyIds = new HashSet<>();
        if (admin != null) {
            keys.add(admin);
            keyIds.add(admin.keyId());
        }
        for (int i = 0; i < properties.serviceKeys().size(); i++) {
            ConfiguredKey key = ConfiguredKey.parse(properties.serviceKeys().get(i), i);
            if (!keyIds.add(key.keyId())) {
                throw new IllegalStateException("AGENTFORGE_SERVICE_KEYS entry " + (i + 1) + " (" + key.name()
                        + ") reuses the key id " + key.keyId() + " of another configured key: every key needs its own");
            }
            keys.add(key);
        }
        for (ConfiguredKey key : keys) {
            adopt(key);
            log.info("Key {} ({}, {}) taken from configuration", key.keyId(), key.name(), key.roles());
        }
        if (admin != null) {
            return;
        }
        boolean hasAdmin = store.list().stream().anyMatch(key -> key.active() && key.roles().contains(Role.ADMIN));
        if (hasAdmin) {
            return;
        }
        ApiKeyCreated created = create(new ApiKeyRequest("bootstrap-admin", Set.of(Role.ADMIN)));
        // Printed, never logged: this is the only time the secret exists outside the caller's hands.
        out.println();
        out.println("Agent Forge admin key (shown once, store it now): " + created.key());
        out.println();
        log.info("Generated bootstrap admin key {}", created.keyId());
    }

    // Stores a configured key unless the store already holds it, active and with the same secret and roles.
    private void adopt(ConfiguredKey key) {
        Optional<ApiKey> existing = store.find(key.keyId());
        String hash = hash(key.secret());
        if (existing.isEmpty() || !existing.get().secretHash().equals(hash) || !existing.get().active()
                || !existing.get().roles().equals(key.roles())) {
            store.save(new ApiKey(key.keyId(), key.name(), key.roles(), hash, clock.instant(), null));
            cache.remove(key.keyId());
        }
    }

    /** One {@code name:role[+role]:af_<keyId>_<secret>} entry of {@code AGENTFORGE_SERVICE_KEYS}. */
    private record ConfiguredKey(String name, Set<Role> roles, String keyId, String secret) {

        static ConfiguredKey parse(String entry, int index) {
            String where = "AGENTFORGE_SERVICE_KEYS entry " + (index + 1);
            String[] parts = entry.split(":", 3);
            if (parts.length != 3) {
                throw new IllegalStateException(where + " must look like name:role[+role]:af_<keyId>_<secret>, e.g."
                        + " calculator:service:af_…");
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String role : parts[1].split("\\+")) {
                try {
                    roles.add(Role.fromWire(role.strip()));
                } catch (InvalidFieldException e) {
                    throw new IllegalStateException(where + " (" + parts[0] + ") has an unknown role '"
                            + abbreviate(role) + "': use admin, service or client", e);
                }
            }
            try {
                new ApiKeyRequest(parts[0], roles);
            } catch (InvalidFieldException e) {
                throw new IllegalStateException(where + ": " + e.getMessage(), e);
            }
            Matcher matcher = KEY.matcher(parts[2].strip());
            if (!matcher.matches()) {
                throw new IllegalStateException(where + " (" + parts[0] + ") has a key that is not of the form"
                        + " af_<keyId>_<secret>: keyId of 8-32 lower-case letters or digits, secret of 16-128"
                        + " characters [A-Za-z0-9_-]");
            }
            return new ConfiguredKey(parts[0], Set.copyOf(roles), matcher.group(1), matcher.group(2));
        }

        private static String abbreviate(String text) {
            return text.length() <= 20 ? text : text.substring(0, 17) + "...";
        }

        @Override
        public String toString() {
            return "ConfiguredKey[name=" + name + ", roles=" + roles + ", keyId=" + keyId + "]";
        }
    }

    public ApiKeyCreated create(ApiKeyRequest request) {
        String keyId = randomId();
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Instant now = clock.instant();
        store.save(new ApiKey(keyId, request.name(), request.roles(), hash(secret), now, null));
        return new ApiKeyCreated(keyId, request.name(), request.roles(), now, "af_" + keyId + "_" + secret);
    }

    public List<ApiKeyInfo> list() {
        return store.list().stream().map(ApiKey::info).toList();
    }

    public boolean revoke(String keyId) {
        boolean revoked = store.revoke(keyId, clock.instant());
        cache.remove(keyId);
        return revoked;
    }

    /** The principal of a presented key; empty for a malformed, unknown, revoked or wrong key. */
    public Optional<ApiKeyPrincipal> authenticate(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        Matcher matcher = KEY.matcher(presented.trim());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        Optional<ApiKey> key = lookup(matcher.group(1));
        if (key.isEmpty() || !key.get().active()) {
            return Optional.empty();
        }
        byte[] expected = key.get().secretHash().getBytes(StandardCharsets.US_ASCII);
        byte[] actual = hash(matcher.group(2)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        return Optional.of(new ApiKeyPrincipal(key.get().keyId(), key.get().name(), key.get().roles()));
    }

    /** The principal of an active key by its id, without its secret (for keys named inside tokens); empty when unknown or revoked. */
    public Optional<ApiKeyPrincipal> active(String keyId) {
        if (keyId == null || keyId.isEmpty()) {
            return Optional.empty();
        }
        return lookup(keyId).filter(ApiKey::active)
                .map(key -> new ApiKeyPrincipal(key.keyId(), key.name(), key.roles()));
    }

    public IntrospectionResult introspect(String presented) {
        return authenticate(presented)
                .map(p -> new IntrospectionResult(true, p.keyId(), p.name(), p.roles()))
                .orElseGet(IntrospectionResult::inactive);
    }

    private Optional<ApiKey> lookup(String keyId) {
        Instant now = clock.instant();
        Cached cached = cache.get(keyId);
        if (cached != null && cached.validUntil().isAfter(now)) {
            return cached.key();
        }
        Optional<ApiKey> key = store.find(keyId);
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(keyId, new Cached(key, now.plus(properties.keyCacheTtl())));
        return key;
    }

    private String randomId() {
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = ID_ALPHABET[random.nextInt(ID_ALPHABET.length)];
        }
        return new String(id);
    }

    static String hash(String secret) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private record Cached(Optional<ApiKey> key, Instant validUntil) {
    }
}
