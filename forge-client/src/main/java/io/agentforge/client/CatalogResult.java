package io.agentforge.client;

import io.agentforge.registry.api.Catalog;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Outcome of a conditional catalog fetch: a new catalog, or confirmation that the cached one is still current. */
public sealed interface CatalogResult {

    /**
     * The ETag of the registry's current catalog; send it back to get {@link NotModified} while nothing changed. Null
     * when the registry sent none.
     */
    @Nullable
    String etag();

    /** Id of the newest change-feed event the registry's current catalog reflects: resume the feed after it. */
    long eventId();

    /** The catalog changed (or no ETag was sent). */
    record Modified(Catalog catalog, @Nullable String etag) implements CatalogResult {

        public Modified {
            Objects.requireNonNull(catalog, "catalog");
        }

        @Override
        public long eventId() {
            return catalog.eventId();
        }
    }

    /** The catalog matching the sent ETag is still current as of {@code eventId}. */
    record NotModified(@Nullable String etag, long eventId) implements CatalogResult {}
}
