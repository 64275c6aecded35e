package io.agentforge.registry.security;

import io.agentforge.registry.api.ApiKeyCreated;
import io.agentforge.registry.api.ApiKeyInfo;
import io.agentforge.registry.api.ApiKeyRequest;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.InvalidFieldException;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.Texts;
import io.agentforge.registry.web.DatabaseFailures;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues, checks and revokes API keys {@code af_<keyId>_<secret>}. Secrets are 256 random bits, so a single
 * SHA-256 is a sufficient hash (no password stretching needed), and lookups go by key id.
 */
public class ApiKeyService {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyService.class);
    private static final Pattern KEY = Pattern.compile("af_([a-z0-9]{8,32})_([A-Za-z0-9_-]{16,128})");
    private static final Pattern SECRET_LIKE = Pattern.compile("af_[A-Za-z0-9_-]+");
    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final ApiKeyStore store;
    private final Clock clock;
    private final SecurityProperties properties;
    private final KeyRevocations revocations;
    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeyStore store, Clock clock, SecurityProperties properties, KeyRevocations revocations) {
        this.store = store;
        this.clock = clock;
        this.properties = properties;
        this.revocations = revocations;
    }

    public ApiKeyService(ApiKeyStore store, Clock clock, SecurityProperties properties) {
        this(store, clock, properties, KeyRevocations.NONE);
    }

    /**
     * Provisions the configured service keys, and makes sure an admin key exists: the configured one, or a generated
     * one printed once to {@code out}. Configured keys are stored at every start with what the configuration says,
     * except one revoked through the API: it stays revoked until the configuration gives it a new secret.
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
            admin = new ConfiguredKey(
                    "bootstrap-admin",
                    new ApiKeyRequest("bootstrap-admin", Set.of(Role.ADMIN)),
                    matcher.group(1),
                    matcher.group(2));
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
        boolean adminActive = false;
        for (ConfiguredKey key : keys) {
            if (adopt(key)) {
                log.info(
                        "Key {} ({}, {}) taken from configuration",
                        key.keyId(),
                        key.name(),
                        key.request().roles());
                adminActive |= key == admin;
            } else {
                log.warn(
                        "Key {} ({}) from configuration was revoked through the API and stays revoked; give it a new"
                                + " secret in the configuration to use it again",
                        key.keyId(),
                        key.name());
            }
        }
        if (adminActive) {
            return;
        }
        boolean hasAdmin = store.list().stream()
                .anyMatch(key -> key.active() && key.roles().contains(Role.ADMIN));
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

    /*
     * Stores a configured key unless the store already holds it as configured. A key revoked through the API with
     * the same secret stays revoked (false): revocation must not be undone by a restart. A new secret is a new
     * credential, so it is adopted.
     */
    private boolean adopt(ConfiguredKey key) {
        Optional<ApiKey> existing = store.find(key.keyId());
        String hash = hash(key.secret());
        ApiKeyRequest wanted = key.request();
        if (existing.isPresent() && existing.get().secretHash().equals(hash)) {
            ApiKey stored = existing.get();
            if (!stored.active()) {
                return false;
            }
            if (stored.name().equals(wanted.name())
                    && stored.roles().equals(wanted.roles())
                    && stored.services().equals(wanted.services())
                    && stored.kinds().equals(wanted.kinds())) {
                return true;
            }
        }
        store.save(new ApiKey(
                key.keyId(),
                wanted.name(),
                wanted.roles(),
                wanted.services(),
                wanted.kinds(),
                hash,
                clock.instant(),
                null));
        cache.remove(key.keyId());
        return true;
    }

    /**
     * One entry of {@code AGENTFORGE_SERVICE_KEYS}:
     * {@code name:role[+role][:services=a|b-*[;kinds=tool|agent]]:af_<keyId>_<secret>}.
     */
    private record ConfiguredKey(String name, ApiKeyRequest request, String keyId, String secret) {

        private static final String FORM = "name:role[+role][:services=name|prefix-*[;kinds=tool|agent]]:af_<keyId>"
                + "_<secret>, e.g. calculator:service:services=calculator:af_… or console:client:af_…";

        static ConfiguredKey parse(String entry, int index) {
            String where = "AGENTFORGE_SERVICE_KEYS entry " + (index + 1);
            String[] parts = entry.split(":", -1);
            if (parts.length != 3 && parts.length != 4) {
                throw new IllegalStateException(where + " must look like " + FORM);
            }
            String name = parts[0].strip();
            if (SECRET_LIKE.matcher(name).find()) {
                throw new IllegalStateException(where + " has a key where its name belongs; it must look like " + FORM);
            }
            if (!ApiKeyRequest.NAME.matcher(name).matches()) {
                throw new IllegalStateException(where + " has an invalid name: use 1-64 letters, digits, spaces, '.',"
                        + " '_' or '-', starting with a letter or digit; the entry must look like " + FORM);
            }
            where = where + " (" + name + ")";
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (String role : parts[1].split("\\+")) {
                try {
                    roles.add(Role.fromWire(role.strip()));
                } catch (InvalidFieldException e) {
                    throw new IllegalStateException(
                            where + " has an unknown role '" + redact(Texts.abbreviate(role.strip(), 20))
                                    + "': use admin, service or client",
                            e);
                }
            }
            List<String> services = null;
            Set<ServiceKind> kinds = null;
            if (parts.length == 4) {
                for (String setting : parts[2].split(";")) {
                    String[] pair = setting.split("=", 2);
                    String field = pair[0].strip();
                    if (pair.length != 2 || !(field.equals("services") || field.equals("kinds"))) {
                        throw new IllegalStateException(
                                where + " has a scope part that is not services=…[;kinds=…]: " + FORM);
                    }
                    List<String> values = Arrays.stream(pair[1].split("\\|"))
                            .map(String::strip)
                            .filter(v -> !v.isEmpty())
                            .toList();
                    if (field.equals("services")) {
                        if (services != null) {
                            throw new IllegalStateException(where + " names services twice");
                        }
                        services = values;
                    } else {
                        if (kinds != null) {
                            throw new IllegalStateException(where + " names kinds twice");
                        }
                        kinds = EnumSet.noneOf(ServiceKind.class);
                        for (String kind : values) {
                            kinds.add(kind(kind, where));
                        }
                    }
                }
            }
            ApiKeyRequest request;
            try {
                request = new ApiKeyRequest(name, roles, services, kinds);
            } catch (InvalidFieldException e) {
                String hint = e.field().equals("services") && services == null
                        ? "; a service key needs the names it may register: " + name + ":service:services=" + name
                                + ":af_…"
                        : "";
                throw new IllegalStateException(where + ": " + redact(e.getMessage()) + hint, e);
            }
            Matcher matcher = KEY.matcher(parts[parts.length - 1].strip());
            if (!matcher.matches()) {
                throw new IllegalStateException(where + " has a key that is not of the form"
                        + " af_<keyId>_<secret>: keyId of 8-32 lower-case letters or digits, secret of 16-128"
                        + " characters [A-Za-z0-9_-]");
            }
            return new ConfiguredKey(name, request, matcher.group(1), matcher.group(2));
        }

        private static ServiceKind kind(String value, String where) {
            for (ServiceKind kind : ServiceKind.values()) {
                if (kind.name().equalsIgnoreCase(value)) {
                    return kind;
                }
            }
            throw new IllegalStateException(
                    where + " has an unknown kind '" + redact(Texts.abbreviate(value, 20)) + "': use tool or agent");
        }

        // Whatever was misplaced into another part of the entry may be a key: never echo one.
        private static String redact(String text) {
            return SECRET_LIKE.matcher(text).replaceAll("af_…");
        }

        @Override
        public String toString() {
            return "ConfiguredKey[name=" + name + ", request=" + request + ", keyId=" + keyId + "]";
        }
    }

    public ApiKeyCreated create(ApiKeyRequest request) {
        String keyId = randomId();
        byte[] secretBytes = new byte[32];
        random.nextBytes(secretBytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        Instant now = clock.instant();
        store.save(new ApiKey(
                keyId, request.name(), request.roles(), request.services(), request.kinds(), hash(secret), now, null));
        return new ApiKeyCreated(
                keyId,
                request.name(),
                request.roles(),
                now,
                "af_" + keyId + "_" + secret,
                request.services(),
                request.kinds());
    }

    public List<ApiKeyInfo> list() {
        return store.list().stream().map(ApiKey::info).toList();
    }

    /**
     * Revokes the key and announces it on the change feed ({@code key-revoked}); false when it is unknown or already
     * revoked. A configured key revoked here stays revoked across restarts.
     */
    public boolean revoke(String keyId) {
        Instant now = clock.instant();
        boolean revoked = store.revoke(keyId, now);
        cache.remove(keyId);
        if (revoked) {
            try {
                revocations.revoked(keyId, now);
            } catch (RuntimeException e) {
                // The key is refused from now on all the same; caches elsewhere then drop it at their own pace.
                log.warn("Announcing the revocation of key {} on the change feed failed", keyId, e);
            }
        }
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
        return Optional.of(key.get().principal());
    }

    /** The principal of an active key by its id, without its secret (for keys named inside tokens); empty when unknown or revoked. */
    public Optional<ApiKeyPrincipal> active(String keyId) {
        if (keyId == null || keyId.isEmpty()) {
            return Optional.empty();
        }
        return lookup(keyId)
                .filter(ApiKey::active)
                .map(key -> new ApiKeyPrincipal(key.keyId(), key.name(), key.roles()));
    }

    public IntrospectionResult introspect(String presented) {
        return authenticate(presented)
                .map(p -> new IntrospectionResult(true, p.keyId(), p.name(), p.roles(), p.services()))
                .orElseGet(IntrospectionResult::inactive);
    }

    /*
     * The cache spares the store a lookup per request. When the store can't be reached, an entry the store confirmed
     * at most keyCacheMaxStale ago is served as it was (renewals keep working through a database restart); a key the
     * replica never saw, or only saw as unknown, is never accepted that way: the failure goes on (a 503).
     */
    private Optional<ApiKey> lookup(String keyId) {
        Instant now = clock.instant();
        Cached cached = cache.get(keyId);
        if (cached != null && cached.validUntil().isAfter(now)) {
            return cached.key();
        }
        Instant validUntil = now.plus(properties.keyCacheTtl());
        if (cached != null && servableWhileUnreachable(cached, now)) {
            // One caller asks the store, the others keep the entry meanwhile: without a database every attempt waits
            // out the connection timeout, so it is made once per key and TTL, not once per request.
            Cached asking = new Cached(cached.key(), validUntil, cached.confirmedAt());
            if (!cache.replace(keyId, cached, asking)) {
                Cached current = cache.get(keyId);
                if (current != null) {
                    return current.key();
                }
            }
        }
        Optional<ApiKey> key;
        try {
            key = store.find(keyId);
        } catch (RuntimeException e) {
            if (cached == null || !servableWhileUnreachable(cached, now) || !DatabaseFailures.unreachable(e)) {
                throw e;
            }
            log.warn(
                    "Key store unreachable ({}); key {} accepted as the store last confirmed it {} ago",
                    e.getClass().getSimpleName(),
                    keyId,
                    Duration.between(cached.confirmedAt(), now).truncatedTo(ChronoUnit.SECONDS));
            return cached.key();
        }
        if (cache.size() > 10_000) {
            cache.clear();
        }
        cache.put(keyId, new Cached(key, validUntil, now));
        return key;
    }

    private boolean servableWhileUnreachable(Cached cached, Instant now) {
        return cached.key().isPresent() && !now.isAfter(cached.confirmedAt().plus(properties.keyCacheMaxStale()));
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

    /** A store answer, trusted until {@code validUntil}; {@code confirmedAt} is when the store last gave it. */
    private record Cached(Optional<ApiKey> key, Instant validUntil, Instant confirmedAt) {}
}
