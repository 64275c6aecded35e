package io.agentforge.client;

import io.agentforge.registry.api.CatalogChanges;
import io.agentforge.registry.api.CatalogSearchResult;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.IntrospectionResult;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.RegistryStatus;
import io.agentforge.registry.api.ServiceRegistration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * The Service Registry's API as seen by services and their callers.
 *
 * <p>Implementations are thread-safe. Every method throws {@link RegistryException} when the registry refuses the
 * request (carrying its problem detail) and {@link RegistryUnreachableException} when no answer came.
 */
public interface RegistryClient {

    /** Registers the instance, or updates it when its {@code instanceId} is known; the registry assigns an id when none is given. */
    Instance register(ServiceRegistration registration);

    /**
     * Renews the instance's lease.
     *
     * @throws UnknownInstanceException when the registry does not know the instance (lease expired, registry
     *                                  restarted): register it again
     */
    Lease renew(String instanceId);

    /** @return false when the registry did not know the instance (nothing to do) */
    boolean deregister(String instanceId);

    /** @return empty when the registry does not know the instance */
    Optional<Instance> instance(String instanceId);

    List<RegisteredService> services(ServiceQuery query);

    /**
     * Fetches the function catalog.
     *
     * @param etag the ETag of a catalog already held, or null for an unconditional fetch
     */
    CatalogResult catalog(@Nullable String etag);

    /**
     * The catalog entries of the tools that changed after a catalog event id: {@link CatalogChanges#applyTo} turns the
     * catalog held as of {@code since} into the current one. A {@code reset} answer asks for a full {@link #catalog}.
     *
     * @throws UnsupportedOperationException when this client (or the registry it talks to) can't fetch changes
     */
    default CatalogChanges catalogChanges(long since) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not fetch catalog changes");
    }

    /**
     * Finds the functions of the catalog that best fit a text, best first: only functions of tools with an {@code UP}
     * instance, as the catalog shows them to this client's key.
     *
     * @throws UnsupportedOperationException when this client cannot search (a stand-in that predates search)
     */
    default CatalogSearchResult searchFunctions(FunctionSearch search) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not search the catalog");
    }

    /** The {@code k} (1 to 100) functions that best fit {@code query}; see {@link #searchFunctions(FunctionSearch)}. */
    default CatalogSearchResult searchFunctions(String query, int k) {
        return searchFunctions(FunctionSearch.of(query, k));
    }

    RegistryStatus status();

    /** Asks whether a key presented to this service is valid; needs a {@code service} key. */
    IntrospectionResult introspect(String key);

    /**
     * Opens the change feed and reads it on a background thread until closed or broken.
     *
     * @param after resume after this event id (events since then are replayed, or a reset is sent when they are
     *              gone); empty for only the changes from now on
     * @throws RegistryException when the feed can't be opened; later failures go to
     *                           {@link ChangeFeedListener#onClosed(Throwable)}
     */
    FeedSubscription subscribe(OptionalLong after, ChangeFeedListener listener);
}
