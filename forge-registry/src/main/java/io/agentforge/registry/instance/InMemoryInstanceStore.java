package io.agentforge.registry.instance;

import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceRegistration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-process store. Renewals write two volatile fields of one entry; every other change takes one lock so
 * events are appended in the order the changes happened.
 */
public final class InMemoryInstanceStore implements InstanceStore {

    private final ConcurrentHashMap<String, Entry> instances = new ConcurrentHashMap<>();
    // service name -> its owner, function name -> the service owning it; both guarded by lock
    private final Map<String, ServiceOwner> owners = new HashMap<>();
    private final Map<String, String> functionOwners = new HashMap<>();
    // key id ("" for none) -> how many instances it holds, so the per-key limit is checked without a scan; guarded by
    // lock
    private final Map<String, Integer> held = new HashMap<>();
    private final ArrayDeque<ChangeEvent> events = new ArrayDeque<>();
    private final int eventRetention;
    private final Object lock = new Object();
    private volatile long lastEventId;
    private volatile Runnable localChange = () -> {};

    public InMemoryInstanceStore(int eventRetention) {
        this(eventRetention, 0);
    }

    /**
     * @param lastEventId the id the first event follows. A registry seeds it from the clock, so the event ids of a
     *                    restarted registry all lie above those its clients remember from before: they resume from an
     *                    id older than anything retained and are told to reload, never handed another history's events
     *                    as if they were the ones they missed.
     */
    public InMemoryInstanceStore(int eventRetention, long lastEventId) {
        this.eventRetention = eventRetention;
        this.lastEventId = lastEventId;
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Registered register(ServiceRegistration registration, Registrant registrant, Instant now) {
        synchronized (lock) {
            String service = registration.name();
            ServiceOwner owner = owners.get(service);
            if (owner != null) {
                if (!registrant.admin() && !Objects.equals(owner.keyId(), registrant.keyId())) {
                    throw new NameOwnedException(service);
                }
                if (owner.kind() != registration.kind()) {
                    throw new KindConflictException(service, owner.kind(), registration.kind());
                }
            }
            for (FunctionDescriptor function : registration.functions()) {
                String functionOwner = functionOwners.get(function.name());
                if (functionOwner != null && !functionOwner.equals(service)) {
                    throw new FunctionConflictException(function.name(), functionOwner);
                }
            }
            Entry previous = instances.get(registration.instanceId());
            checkLimit(previous, registrant);
            InstanceStatus status = previous == null ? InstanceStatus.UP : previous.status;
            Instant registeredAt = previous == null ? now : previous.registeredAt;
            Entry entry = new Entry(
                    registration,
                    registrant.keyId(),
                    registeredAt,
                    status,
                    now,
                    now.plus(registration.leaseDuration()));
            instances.put(registration.instanceId(), entry);
            if (previous != null) {
                released(previous);
            }
            held.merge(heldKey(entry.owner), 1, Integer::sum);
            if (owner == null) {
                owners.put(service, new ServiceOwner(service, registration.kind(), registrant.keyId(), now));
            }
            for (FunctionDescriptor function : registration.functions()) {
                functionOwners.putIfAbsent(function.name(), service);
            }
            Instance instance = entry.instance();
            append(previous == null ? ChangeType.REGISTERED : ChangeType.UPDATED, now, instance, null);
            return new Registered(instance, previous == null);
        }
    }

    private void checkLimit(Entry previous, Registrant registrant) {
        if (registrant.admin() || registrant.keyId() == null) {
            return;
        }
        // Registering an instance the key already holds again is an update, not one more.
        int others = held.getOrDefault(registrant.keyId(), 0)
                - (previous != null && registrant.keyId().equals(previous.owner) ? 1 : 0);
        if (others >= registrant.maxInstances()) {
            throw new InstanceLimitException(registrant.maxInstances());
        }
    }

    private void released(Entry entry) {
        held.computeIfPresent(heldKey(entry.owner), (key, count) -> count == 1 ? null : count - 1);
    }

    // Instances registered with security off have no owner.
    private static String heldKey(String owner) {
        return owner == null ? "" : owner;
    }

    @Override
    public Optional<ServiceOwner> ownerOfService(String service) {
        synchronized (lock) {
            return Optional.ofNullable(owners.get(service));
        }
    }

    @Override
    public OwnerRelease releaseOwner(String service) {
        synchronized (lock) {
            if (!owners.containsKey(service)) {
                return OwnerRelease.NOT_OWNED;
            }
            if (instances.values().stream().anyMatch(e -> e.registration.name().equals(service))) {
                return OwnerRelease.IN_USE;
            }
            owners.remove(service);
            functionOwners.values().removeIf(service::equals);
            return OwnerRelease.RELEASED;
        }
    }

    @Override
    public void keyRevoked(String keyId, Instant now) {
        synchronized (lock) {
            append(ChangeType.KEY_REVOKED, now, null, keyId);
        }
    }

    @Override
    public Optional<Lease> renew(String instanceId, Instant now) {
        // Atomic with expire()'s check-and-remove on the same key: a renewal is never acknowledged for an instance
        // that is being expired.
        Lease[] renewed = new Lease[1];
        instances.computeIfPresent(instanceId, (id, entry) -> {
            renewed[0] = entry.renew(now);
            return entry;
        });
        return Optional.ofNullable(renewed[0]);
    }

    @Override
    public Optional<StoredInstance> find(String instanceId) {
        Entry entry = instances.get(instanceId);
        return entry == null ? Optional.empty() : Optional.of(entry.stored());
    }

    @Override
    public Optional<String> ownerOf(String instanceId) {
        Entry entry = instances.get(instanceId);
        return entry == null ? Optional.empty() : Optional.of(entry.owner == null ? "" : entry.owner);
    }

    @Override
    public Optional<StoredInstance> deregister(String instanceId, Instant now) {
        synchronized (lock) {
            Entry entry = instances.remove(instanceId);
            if (entry == null) {
                return Optional.empty();
            }
            released(entry);
            StoredInstance stored = entry.stored();
            append(ChangeType.DEREGISTERED, now, stored.instance(), null);
            return Optional.of(stored);
        }
    }

    @Override
    public boolean changeStatus(String instanceId, InstanceStatus status, Instant now) {
        synchronized (lock) {
            Entry entry = instances.get(instanceId);
            if (entry == null || entry.status == status) {
                return false;
            }
            entry.status = status;
            append(ChangeType.STATUS_CHANGED, now, entry.instance(), null);
            return true;
        }
    }

    @Override
    public List<StoredInstance> all() {
        List<StoredInstance> all = new ArrayList<>(instances.size());
        for (Entry entry : instances.values()) {
            all.add(entry.stored());
        }
        return all;
    }

    @Override
    public Map<String, Lease> leases(Collection<String> instanceIds) {
        Map<String, Lease> leases = new LinkedHashMap<>();
        for (String id : instanceIds) {
            Entry entry = instances.get(id);
            if (entry != null) {
                leases.put(id, entry.lease());
            }
        }
        return leases;
    }

    @Override
    public long count() {
        return instances.size();
    }

    @Override
    public List<String> expiredBefore(Instant cutoff) {
        List<String> expired = new ArrayList<>();
        instances.forEach((id, entry) -> {
            if (entry.lease().expiresAt().isBefore(cutoff)) {
                expired.add(id);
            }
        });
        return expired;
    }

    @Override
    public List<StoredInstance> expire(Collection<String> instanceIds, Instant cutoff, Instant now) {
        List<StoredInstance> expired = new ArrayList<>();
        synchronized (lock) {
            for (String id : instanceIds) {
                Entry[] removed = new Entry[1];
                // A renewal may have landed since the sweeper looked; checked and removed in one step.
                instances.computeIfPresent(id, (key, entry) -> {
                    if (entry.lease().expiresAt().isBefore(cutoff)) {
                        removed[0] = entry;
                        return null;
                    }
                    return entry;
                });
                Entry entry = removed[0];
                if (entry != null) {
                    released(entry);
                    StoredInstance stored = entry.stored();
                    append(ChangeType.EXPIRED, now, stored.instance(), null);
                    expired.add(stored);
                }
            }
        }
        return expired;
    }

    @Override
    public List<ChangeEvent> eventsAfter(long afterId, int limit) {
        synchronized (lock) {
            List<ChangeEvent> result = new ArrayList<>(Math.min(limit, events.size()));
            if (events.isEmpty() || afterId >= lastEventId) {
                return result;
            }
            long firstId = events.peekFirst().id();
            long skip = Math.max(0, afterId - firstId + 1);
            long wanted = events.size() - skip;
            if (wanted <= skip) {
                // Ids are consecutive: the newest few are read from the end instead of walking the whole log.
                var newest = events.descendingIterator();
                for (long i = 0; i < wanted; i++) {
                    result.add(newest.next());
                }
                java.util.Collections.reverse(result);
                return result.size() > limit ? new ArrayList<>(result.subList(0, limit)) : result;
            }
            var iterator = events.iterator();
            for (long i = 0; i < skip; i++) {
                iterator.next();
            }
            while (iterator.hasNext() && result.size() < limit) {
                result.add(iterator.next());
            }
            return result;
        }
    }

    @Override
    public long lastEventId() {
        return lastEventId;
    }

    @Override
    public long oldestEventId() {
        synchronized (lock) {
            return events.isEmpty() ? lastEventId + 1 : events.peekFirst().id();
        }
    }

    private void append(ChangeType type, Instant at, Instance instance, String keyId) {
        ChangeEvent event = new ChangeEvent(lastEventId + 1, type, at, instance, keyId);
        events.addLast(event);
        while (events.size() > eventRetention) {
            events.removeFirst();
        }
        lastEventId = event.id();
        localChange.run();
    }

    @Override
    public void onLocalChange(Runnable listener) {
        this.localChange = listener;
    }

    private static final class Entry {

        final ServiceRegistration registration;
        final String owner;
        final Instant registeredAt;
        volatile InstanceStatus status;
        // One immutable pair so a reader never sees the renewal time of one renewal with the expiry of another.
        volatile Lease lease;

        Entry(
                ServiceRegistration registration,
                String owner,
                Instant registeredAt,
                InstanceStatus status,
                Instant renewedAt,
                Instant expiresAt) {
            this.registration = registration;
            this.owner = owner;
            this.registeredAt = registeredAt;
            this.status = status;
            this.lease = new Lease(registration.instanceId(), registration.leaseDuration(), renewedAt, expiresAt);
        }

        Lease renew(Instant now) {
            Lease renewed = new Lease(
                    registration.instanceId(),
                    registration.leaseDuration(),
                    now,
                    now.plus(registration.leaseDuration()));
            lease = renewed;
            return renewed;
        }

        Lease lease() {
            return lease;
        }

        Instance instance() {
            Lease current = lease;
            return Instance.of(registration, status, registeredAt, current.lastRenewal(), current.expiresAt());
        }

        StoredInstance stored() {
            return new StoredInstance(instance(), owner);
        }
    }
}
