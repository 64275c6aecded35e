package io.agentforge.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where the registry is and how to talk to it.
 *
 * @param registryUrls   base URLs of the registry's replicas, e.g. {@code http://localhost:8081} (a path prefix is kept);
 *                       requests go to one and fail over to the next when it does not answer
 * @param apiKey         {@code af_<keyId>_<secret>} sent as {@code Authorization: Bearer}; never printed
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long to wait for an answer's headers (the change feed then streams without limit)
 */
public record ForgeClientSettings(
        List<URI> registryUrls, String apiKey, Duration connectTimeout, Duration requestTimeout) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** More replicas than this is a configuration mistake, not high availability. */
    public static final int MAX_REGISTRY_URLS = 8;

    static final Pattern API_KEY = Pattern.compile("af_([a-z0-9]{8,32})_[A-Za-z0-9_-]{16,128}");

    /** Absent timeouts: {@link #DEFAULT_CONNECT_TIMEOUT}, {@link #DEFAULT_REQUEST_TIMEOUT}. */
    public ForgeClientSettings(
            List<URI> registryUrls,
            String apiKey,
            @Nullable Duration connectTimeout,
            @Nullable Duration requestTimeout) {
        if (registryUrls == null || registryUrls.isEmpty()) {
            throw new IllegalArgumentException("registryUrl is required");
        }
        if (registryUrls.size() > MAX_REGISTRY_URLS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_REGISTRY_URLS + " registry URLs, got " + registryUrls.size());
        }
        var distinct = new LinkedHashSet<URI>();
        for (URI url : registryUrls) {
            if (!distinct.add(normalized(url))) {
                throw new IllegalArgumentException("registry URL " + url + " is listed twice");
            }
        }
        registryUrls = List.copyOf(distinct);
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("apiKey is required");
        }
        apiKey = apiKey.strip();
        if (!API_KEY.matcher(apiKey).matches()) {
            // Never echo the value: it may be a real secret with a typo.
            throw new IllegalArgumentException("apiKey must look like af_<keyId>_<secret>: keyId of 8-32 lower-case"
                    + " letters or digits, secret of 16-128 characters [A-Za-z0-9_-]");
        }
        connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT_TIMEOUT);
        requestTimeout = positive("requestTimeout", requestTimeout, DEFAULT_REQUEST_TIMEOUT);
        this.registryUrls = registryUrls;
        this.apiKey = apiKey;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    /** One registry (or one balanced address in front of its replicas). */
    public ForgeClientSettings(
            URI registryUrl, String apiKey, @Nullable Duration connectTimeout, @Nullable Duration requestTimeout) {
        this(registryUrl == null ? List.of() : List.of(registryUrl), apiKey, connectTimeout, requestTimeout);
    }

    /** Settings with the default timeouts; {@code registryUrl} may list replicas separated by commas. */
    public static ForgeClientSettings of(String registryUrl, String apiKey) {
        return new ForgeClientSettings(parseUrls(registryUrl), apiKey, null, null);
    }

    /**
     * The URLs of a setting such as {@code http://registry-a:8081,http://registry-b:8081} (commas, optional spaces).
     *
     * @throws IllegalArgumentException naming the entry that is not a URL
     */
    public static List<URI> parseUrls(@Nullable String registryUrl) {
        if (registryUrl == null || registryUrl.isBlank()) {
            throw new IllegalArgumentException("registryUrl is required");
        }
        List<URI> urls = new ArrayList<>();
        for (String part : registryUrl.split(",", -1)) {
            String entry = part.strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("registryUrl '" + registryUrl + "' has an empty entry");
            }
            try {
                urls.add(normalized(new URI(entry)));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("registryUrl '" + entry + "' is not a URL: " + e.getReason());
            }
        }
        return urls;
    }

    /** The first registry URL: where requests go while it answers. */
    public URI registryUrl() {
        return registryUrls.getFirst();
    }

    /** The public id part of the key, fine to log. */
    public String keyId() {
        var matcher = API_KEY.matcher(apiKey);
        return matcher.matches() ? matcher.group(1) : "?";
    }

    /** The first registry's URL of an API path such as {@code /api/v1/catalog}. */
    URI resolve(String pathAndQuery) {
        return resolve(registryUrl(), pathAndQuery);
    }

    static URI resolve(URI base, String pathAndQuery) {
        return URI.create(base + pathAndQuery);
    }

    private static URI normalized(URI url) {
        if (url == null) {
            throw new IllegalArgumentException("registryUrl is required");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("registryUrl must be an absolute http(s) URL with a host, e.g."
                    + " http://localhost:8081, got '" + url + "'");
        }
        if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("registryUrl must not carry user info, a query or a fragment");
        }
        String text = url.toString();
        while (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        return URI.create(text);
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "ForgeClientSettings[registryUrls=" + registryUrls + ", apiKey=af_" + keyId() + "_***, connectTimeout="
                + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
    }
}
