package io.agentforge.client;

import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.SearchMode;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A catalog search: the {@code k} functions that best fit {@code query}; null filters match anything, a null mode is
 * the registry's default (hybrid).
 */
public record FunctionSearch(
        String query,
        int k,
        @Nullable ServiceKind kind,
        @Nullable String capability,
        @Nullable SearchMode mode) {

    public FunctionSearch {
        if (query == null || query.isBlank()) {
            throw new IllegalArgumentException("query is required: the text to search the catalog for");
        }
        query = query.strip();
        if (query.length() > CatalogSearchResult.MAX_QUERY) {
            throw new IllegalArgumentException("query is " + query.length() + " characters long; at most "
                    + CatalogSearchResult.MAX_QUERY + " are allowed");
        }
        if (k < 1 || k > CatalogSearchResult.MAX_K) {
            throw new IllegalArgumentException("k must be between 1 and " + CatalogSearchResult.MAX_K + ", was " + k);
        }
        if (capability != null
                && !ServiceRegistration.CAPABILITY.matcher(capability).matches()) {
            throw new IllegalArgumentException("capability must match " + ServiceRegistration.CAPABILITY.pattern());
        }
    }

    /** The {@code k} best functions of any tool, ranked the registry's default way. */
    public static FunctionSearch of(String query, int k) {
        return new FunctionSearch(query, k, null, null, null);
    }

    public FunctionSearch withCapability(@Nullable String serviceCapability) {
        return new FunctionSearch(query, k, kind, serviceCapability, mode);
    }

    public FunctionSearch withKind(@Nullable ServiceKind serviceKind) {
        return new FunctionSearch(query, k, serviceKind, capability, mode);
    }

    public FunctionSearch withMode(@Nullable SearchMode searchMode) {
        return new FunctionSearch(query, k, kind, capability, searchMode);
    }

    /** The query string, with its leading {@code ?}. */
    String queryString() {
        StringBuilder query = new StringBuilder("?q=")
                .append(encode(this.query))
                .append("&k=")
                .append(k);
        if (kind != null) {
            query.append("&kind=").append(kind.name());
        }
        if (capability != null) {
            query.append("&capability=").append(encode(capability));
        }
        if (mode != null) {
            query.append("&mode=").append(mode.wireName());
        }
        return query.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
