package io.agentforge.registry.instance;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceRegistration;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where instances, their leases and the change feed live. Every change that alters what discovery returns appends
 * exactly one {@link ChangeEvent}, atomically with the change; event ids increase in commit order.
 *
 * <p>Implementations are thread-safe. {@link #renew} is the hot path: O(1), touching no other instance.
 */
public interface InstanceStore {

    /** Short name reported in the registry status, e.g. {@code memory}. */
    String name();

    /**
     * Registers or updates (same instance id) an instance, keeping its status on update. The first registration of
     * a service name makes the registrant's key and the registration's kind its owner, and a function name belongs
     * to the first service that published it, both until {@link #releaseOwner}. All checks are atomic with the
     * write.
     *
     * @throws NameOwnedException        when another key owns the service name (admins may join)
     * @throws KindConflictException     when the name is owned as another kind
     * @throws FunctionConflictException when another service owns one of its function names
     * @throws InstanceLimitException    when the key already holds {@link Registrant#maxInstances()} instances
     */
    Registered register(ServiceRegistration registration, Registrant registrant, Instant now);

    /** Registers for a key that is neither admin nor limited. */
    default Registered register(ServiceRegistration registration, String ownerKeyId, Instant now) {
        return register(registration, Registrant.key(ownerKeyId), now);
    }

    /** The owner of a service name; empty when it is free. */
    Optional<ServiceOwner> ownerOfService(String service);

    /** Frees a service name and the function names it owns, unless live instances of it exist. */
    OwnerRelease releaseOwner(String service);

    /** Appends a {@code key-revoked} event, so every replica's feed subscribers learn of the revocation. */
    void keyRevoked(String keyId, Instant now);

    /** Extends the lease from {@code now}; empty when the instance is unknown (the client must re-register). */
    Optional<Lease> renew(String instanceId, Instant now);

    Optional<StoredInstance> find(String instanceId);

    /** The key id that registered the instance (empty string when none); empty when the instance is unknown. */
    Optional<String> ownerOf(String instanceId);

    /** Removes the instance and records a {@code deregistered} event; empty when unknown. */
    Optional<StoredInstance> deregister(String instanceId, Instant now);

    /** Sets the health status; records a {@code status-changed} event only when it actually changes. */
    boolean changeStatus(String instanceId, InstanceStatus status, Instant now);

    /** Every instance; callers cache the result, this is not for the request path. */
    List<StoredInstance> all();

    /** Current lease of each given instance that still exists. */
    Map<String, Lease> leases(Collection<String> instanceIds);

    long count();

    /** Ids of instances whose lease ended before {@code cutoff}. */
    List<String> expiredBefore(Instant cutoff);

    /** Removes those of the given instances whose lease still ended before {@code cutoff}, with an {@code expired} event each. */
    List<StoredInstance> expire(Collection<String> instanceIds, Instant cutoff, Instant now);

    /** Events with an id greater than {@code afterId}, oldest first, at most {@code limit}. */
    List<ChangeEvent> eventsAfter(long afterId, int limit);

    /** Id of the newest event this replica knows of; it only grows. */
    long lastEventId();

    /**
     * How late a renewal may reach the store after it was acknowledged (batched writes); the sweeper waits this much
     * longer before expiring a lease.
     */
    default Duration renewalLag() {
        return Duration.ZERO;
    }

    /** Registers a callback for changes written by another replica, so the change feed can poll at once. */
    default void onExternalChange(Runnable listener) {}

    /**
     * Registers a callback run after this replica's own write made an event readable, so the change feed can read it
     * at once instead of at its next check. Stores that don't call it are read at that check.
     */
    default void onLocalChange(Runnable listener) {}

    /** Id of the oldest event still retained, or {@code lastEventId() + 1} when none is. */
    long oldestEventId();
}
