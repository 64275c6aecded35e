package io.agentforge.registry.catalog;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
import io.agentforge.registry.api.ChangeEvent;
import io.agentforge.registry.api.ChangeType;
import io.agentforge.registry.api.FunctionDescriptor;
import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.RegisteredService;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.instance.StoredInstance;
import io.agentforge.registry.web.DatabaseFailures;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Read side of the registry: an immutable snapshot of all instances, grouped and indexed, with the catalog already
 * serialized. It changes only when the change feed has moved on, so reads never scan all instances; renewals append no
 * event and leave it untouched. A change is applied to the previous snapshot (only the changed services are regrouped
 * and their catalog entries rebuilt); all instances are read again at start, after many changes at once, and every
 * {@value #MAX_INCREMENTS} changes.
 */
@Component
public class RegistryView {

    private static final Logger log = LoggerFactory.getLogger(RegistryView.class);
    private static final Comparator<Instance> BY_ID = Comparator.comparing(Instance::instanceId);
    // More events than this since the last snapshot, and the full build is about as cheap.
    private static final int MAX_EVENTS = 512;
    // A full build after this many advances bounds how long a divergence from the store could last.
    private static final int MAX_INCREMENTS = 1000;
    // How many changes back a client's catalog can be brought up to date with the changed tools' entries alone.
    static final int MAX_STEPS = 4096;

    private final InstanceStore store;
    private final JsonMapper mapper;
    private final AgentCards agentCards;
    private volatile Snapshot snapshot;
    private final ReentrantLock rebuilding = new ReentrantLock();
    // Set by the read that finds the database gone; only the refresh tick asks it again, so no read waits out the
    // connection timeout twice.
    private volatile boolean storeUnreachable;
    private volatile boolean leasesUnreachable;

    /** A view whose agents carry no card information (for tests of other features). */
    public RegistryView(InstanceStore store, JsonMapper mapper, MeterRegistry meters) {
        this(store, mapper, meters, new AgentCards());
    }

    @org.springframework.beans.factory.annotation.Autowired
    public RegistryView(InstanceStore store, JsonMapper mapper, MeterRegistry meters, AgentCards agentCards) {
        this.store = store;
        this.mapper = mapper;
        this.agentCards = agentCards;
        for (ServiceKind kind : ServiceKind.values()) {
            for (InstanceStatus status : InstanceStatus.values()) {
                Gauge.builder(
                                "agentforge.registry.instances",
                                this,
                                view -> view.current().count(kind, status))
                        .description("Registered instances")
                        .tag("kind", kind.name())
                        .tag("status", status.name())
                        .register(meters);
            }
        }
    }

    /**
     * The snapshot as of the newest change this replica knows of. While the database can't be reached, the last one
     * built is the answer at once: the refresh tick, not a read, tries to rebuild it.
     */
    public Snapshot current() {
        return current(false);
    }

    private Snapshot current(boolean evenIfUnreachable) {
        long version = store.lastEventId();
        Snapshot current = snapshot;
        if (current != null && current.version() == version) {
            return current;
        }
        if (current != null && storeUnreachable && !evenIfUnreachable) {
            return current;
        }
        rebuilding.lock();
        try {
            current = snapshot;
            if (current == null || current.version() != version) {
                Snapshot next;
                try {
                    Snapshot advanced = current == null ? null : advanceOrNull(current, version);
                    next = advanced != null ? advanced : build(version, store.all(), current);
                } catch (RuntimeException e) {
                    if (current == null || !DatabaseFailures.unreachable(e)) {
                        throw e;
                    }
                    if (!storeUnreachable) {
                        log.warn("Database unreachable ({}); discovery answers from the last snapshot", e.toString());
                        storeUnreachable = true;
                    }
                    return current;
                }
                current = next;
                snapshot = current;
                storeUnreachable = false;
            }
            return current;
        } finally {
            rebuilding.unlock();
        }
    }

    /**
     * Keeps the snapshot within a moment of the newest change. It is otherwise built by the first read after a change,
     * and a database outage would then leave discovery a snapshot without the instances accepted just before it.
     * While the database is away, this is what asks it again (on its own thread, which may wait out the connection
     * timeout), and reads answer from memory meanwhile.
     */
    @Scheduled(fixedDelayString = "${agentforge.registry.view-refresh:250ms}")
    void keepCurrent() {
        try {
            if (leasesUnreachable) {
                store.leases(List.of());
                leasesUnreachable = false;
                log.info("Database reachable again; discovery shows live lease times");
            }
            current(true);
        } catch (RuntimeException e) {
            log.debug("Discovery snapshot not refreshed: {}", e.toString());
        }
    }

    /** Id of the newest change this replica knows of: what {@link #current()} would be built as of. */
    public long version() {
        return store.lastEventId();
    }

    /** Services matching every given filter (null means any), holding only their matching instances. */
    public List<RegisteredService> services(String name, ServiceKind kind, String capability, InstanceStatus status) {
        return services(current(), name, kind, capability, status);
    }

    /** As {@link #services(String, ServiceKind, String, InstanceStatus)}, from a given snapshot, with live leases. */
    public List<RegisteredService> services(
            Snapshot current, String name, ServiceKind kind, String capability, InstanceStatus status) {
        Iterable<String> candidates = name != null
                ? List.of(name)
                : capability != null
                        ? current.byCapability().getOrDefault(capability, Set.of())
                        : current.services().keySet();
        List<RegisteredService> result = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String candidate : candidates) {
            List<Instance> instances = current.services().get(candidate);
            if (instances == null || (kind != null && instances.getFirst().kind() != kind)) {
                continue;
            }
            List<Instance> matching = instances.stream()
                    .filter(i -> status == null || i.status() == status)
                    .filter(i -> capability == null || i.capabilities().contains(capability))
                    .toList();
            if (!matching.isEmpty()) {
                result.add(withCard(
                        new RegisteredService(candidate, matching.getFirst().kind(), matching)));
                matching.forEach(i -> ids.add(i.instanceId()));
            }
        }
        return withLiveLeases(result, ids);
    }

    /** The card information of this replica; its generation is part of the cached answers' ETags. */
    public AgentCards agentCards() {
        return agentCards;
    }

    private RegisteredService withCard(RegisteredService service) {
        if (service.kind() != ServiceKind.AGENT) {
            return service;
        }
        return agentCards
                .card(service.name())
                .map(card -> new RegisteredService(
                        service.name(),
                        service.kind(),
                        service.instances(),
                        card.url(),
                        card.card(),
                        card.error(),
                        card.fetchedAt()))
                .orElse(service);
    }

    // The snapshot's lease times are as old as the last change; renewals move them without an event.
    private List<RegisteredService> withLiveLeases(List<RegisteredService> services, List<String> ids) {
        if (ids.isEmpty()) {
            return services;
        }
        // Without the database the lease times are the snapshot's: they stop advancing, the instances stay, until the
        // refresh tick finds the database back.
        if (leasesUnreachable) {
            return services;
        }
        Map<String, Lease> leases;
        try {
            leases = store.leases(ids);
        } catch (RuntimeException e) {
            if (!DatabaseFailures.unreachable(e)) {
                throw e;
            }
            if (!leasesUnreachable) {
                log.warn("Database unreachable ({}); discovery answers with the last known lease times", e.toString());
                leasesUnreachable = true;
            }
            return services;
        }
        return services.stream()
                .map(service -> service.withInstances(service.instances().stream()
                        .filter(i -> leases.containsKey(i.instanceId()))
                        .map(i -> {
                            Lease lease = leases.get(i.instanceId());
                            return i.withLease(lease.lastRenewal(), lease.expiresAt());
                        })
                        .toList()))
                .filter(service -> !service.instances().isEmpty())
                .toList();
    }

    private Snapshot build(long version, List<StoredInstance> stored, Snapshot previous) {
        Map<String, List<Instance>> services = new TreeMap<>();
        Map<String, Set<String>> byCapability = new HashMap<>();
        Map<ServiceKind, Map<InstanceStatus, Long>> counts = new EnumMap<>(ServiceKind.class);
        for (StoredInstance s : stored) {
            Instance instance = s.instance();
            services.computeIfAbsent(instance.name(), k -> new ArrayList<>()).add(instance);
            for (String capability : instance.capabilities()) {
                byCapability.computeIfAbsent(capability, k -> new TreeSet<>()).add(instance.name());
            }
            counts.computeIfAbsent(instance.kind(), k -> new EnumMap<>(InstanceStatus.class))
                    .merge(instance.status(), 1L, Long::sum);
        }
        services.values().forEach(list -> list.sort(BY_ID));
        Catalog catalog = catalog(version, services);
        // The tools whose entries differ from the previous snapshot's keep the catalog's history unbroken.
        List<Step> steps = previous == null
                ? List.of()
                : append(
                        previous.steps(),
                        new Step(previous.version(), version, changedTools(previous.catalog(), catalog)));
        return new Snapshot(
                version, services, byCapability, counts, catalog, new CatalogBytes(mapper, catalog), 0, steps);
    }

    private Snapshot advanceOrNull(Snapshot base, long version) {
        try {
            return advance(base, version);
        } catch (RuntimeException e) {
            if (DatabaseFailures.unreachable(e)) {
                throw e;
            }
            // A bug here must not fail every read until the next change: the full build is always right.
            log.warn("Discovery snapshot not advanced to event {}; reading every instance instead", version, e);
            return null;
        }
    }

    /**
     * The snapshot {@code base} with the change-feed events after it applied, as of {@code version}: work in
     * proportion to the changed services, where {@link #build} reads and groups every instance. Null when the events
     * can't be had (too many, no longer retained) or the snapshot has been advanced often enough that a full build
     * is due; the full build also bounds how long any divergence could last.
     */
    private Snapshot advance(Snapshot base, long version) {
        if (base.increments() >= MAX_INCREMENTS || version - base.version() > MAX_EVENTS) {
            return null;
        }
        List<ChangeEvent> events = store.eventsAfter(base.version(), MAX_EVENTS);
        if (events.isEmpty()
                || (events.size() >= MAX_EVENTS && events.getLast().id() < version)
                || store.oldestEventId() > base.version() + 1) {
            return null;
        }
        // service name -> its instances by id, copied from the base on first touch
        Map<String, Map<String, Instance>> touched = new TreeMap<>();
        for (ChangeEvent event : events) {
            Instance instance = event.instance();
            if (event.id() > version) {
                break;
            }
            if (instance == null) {
                continue;
            }
            if (event.type() == ChangeType.UPDATED
                    && !members(base, touched, instance.name()).containsKey(instance.instanceId())) {
                // A re-registration may move an instance to another service; its event names only the new one.
                String previous = serviceOf(base, touched, instance.instanceId());
                if (previous != null) {
                    edit(base, touched, previous).remove(instance.instanceId());
                }
            }
            Map<String, Instance> members = edit(base, touched, instance.name());
            if (event.type() == ChangeType.DEREGISTERED || event.type() == ChangeType.EXPIRED) {
                members.remove(instance.instanceId());
            } else {
                members.put(instance.instanceId(), instance);
            }
        }
        Map<String, List<Instance>> services = new TreeMap<>(base.services());
        Map<String, Set<String>> byCapability = new HashMap<>(base.byCapability());
        Map<ServiceKind, Map<InstanceStatus, Long>> counts = new EnumMap<>(ServiceKind.class);
        base.counts().forEach((kind, byStatus) -> counts.put(kind, new EnumMap<>(byStatus)));
        Map<String, List<Instance>> changed = new TreeMap<>();
        Set<String> tools = new TreeSet<>();
        touched.forEach((name, members) -> {
            List<Instance> before = base.services().getOrDefault(name, List.of());
            List<Instance> after = List.copyOf(members.values());
            before.forEach(i -> count(counts, i, -1));
            after.forEach(i -> count(counts, i, 1));
            Set<String> had = capabilities(before);
            Set<String> has = capabilities(after);
            had.stream().filter(c -> !has.contains(c)).forEach(c -> {
                Set<String> names = new TreeSet<>(byCapability.get(c));
                names.remove(name);
                if (names.isEmpty()) {
                    byCapability.remove(c);
                } else {
                    byCapability.put(c, names);
                }
            });
            has.stream().filter(c -> !had.contains(c)).forEach(c -> {
                Set<String> names = new TreeSet<>(byCapability.getOrDefault(c, Set.of()));
                names.add(name);
                byCapability.put(c, names);
            });
            if (after.isEmpty()) {
                services.remove(name);
            } else {
                services.put(name, after);
            }
            changed.put(name, after);
            if (before.stream().anyMatch(i -> i.kind() == ServiceKind.TOOL)
                    || after.stream().anyMatch(i -> i.kind() == ServiceKind.TOOL)) {
                tools.add(name);
            }
        });
        Catalog catalog = advance(base.catalog(), version, changed);
        return new Snapshot(
                version,
                services,
                byCapability,
                counts,
                catalog,
                new CatalogBytes(mapper, catalog),
                base.increments() + 1,
                append(base.steps(), new Step(base.version(), version, tools)));
    }

    /** The service an instance is in, edits of this advance included; null when none. */
    private static String serviceOf(Snapshot base, Map<String, Map<String, Instance>> touched, String instanceId) {
        for (Map.Entry<String, Map<String, Instance>> entry : touched.entrySet()) {
            if (entry.getValue().containsKey(instanceId)) {
                return entry.getKey();
            }
        }
        for (Map.Entry<String, List<Instance>> entry : base.services().entrySet()) {
            if (!touched.containsKey(entry.getKey())
                    && entry.getValue().stream().anyMatch(i -> i.instanceId().equals(instanceId))) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static List<Step> append(List<Step> steps, Step step) {
        List<Step> result = new ArrayList<>(Math.min(steps.size() + 1, MAX_STEPS));
        result.addAll(steps.size() < MAX_STEPS ? steps : steps.subList(steps.size() - MAX_STEPS + 1, steps.size()));
        result.add(step);
        return List.copyOf(result);
    }

    /** The tools whose catalog entry (functions or UP endpoints) differs between two catalogs. */
    private static Set<String> changedTools(Catalog before, Catalog after) {
        Map<String, ToolEntry> was = toolEntries(before);
        Map<String, ToolEntry> is = toolEntries(after);
        Set<String> changed = new TreeSet<>();
        was.forEach((name, entry) -> {
            if (!entry.equals(is.get(name))) {
                changed.add(name);
            }
        });
        is.keySet().stream().filter(name -> !was.containsKey(name)).forEach(changed::add);
        return changed;
    }

    /** Each tool of a catalog with its service element and its functions. */
    static Map<String, ToolEntry> toolEntries(Catalog catalog) {
        Map<String, List<CatalogFunction>> functions = new HashMap<>();
        catalog.functions()
                .forEach(f -> functions
                        .computeIfAbsent(f.service(), k -> new ArrayList<>())
                        .add(f));
        Map<String, ToolEntry> entries = new HashMap<>();
        catalog.services()
                .forEach(service -> entries.put(
                        service.name(), new ToolEntry(service, functions.getOrDefault(service.name(), List.of()))));
        return entries;
    }

    record ToolEntry(CatalogService service, List<CatalogFunction> functions) {}

    private static Map<String, Instance> members(
            Snapshot base, Map<String, Map<String, Instance>> touched, String service) {
        Map<String, Instance> edited = touched.get(service);
        if (edited != null) {
            return edited;
        }
        Map<String, Instance> members = new TreeMap<>();
        base.services().getOrDefault(service, List.of()).forEach(i -> members.put(i.instanceId(), i));
        return members;
    }

    private static Map<String, Instance> edit(
            Snapshot base, Map<String, Map<String, Instance>> touched, String service) {
        return touched.computeIfAbsent(service, name -> members(base, touched, name));
    }

    private static void count(Map<ServiceKind, Map<InstanceStatus, Long>> counts, Instance instance, long delta) {
        Map<InstanceStatus, Long> byStatus =
                counts.computeIfAbsent(instance.kind(), k -> new EnumMap<>(InstanceStatus.class));
        long count = byStatus.getOrDefault(instance.status(), 0L) + delta;
        if (count == 0) {
            byStatus.remove(instance.status());
        } else {
            byStatus.put(instance.status(), count);
        }
    }

    private static Set<String> capabilities(List<Instance> instances) {
        Set<String> capabilities = new HashSet<>();
        instances.forEach(i -> capabilities.addAll(i.capabilities()));
        return capabilities;
    }

    private static Catalog catalog(long version, Map<String, List<Instance>> services) {
        List<CatalogFunction> functions = new ArrayList<>();
        List<CatalogService> tools = new ArrayList<>();
        services.forEach((name, instances) -> addTool(name, instances, functions, tools));
        return catalog(version, functions, tools);
    }

    /** The catalog {@code base} with the entries of the {@code changed} services (name to all its instances) replaced. */
    private static Catalog advance(Catalog base, long version, Map<String, List<Instance>> changed) {
        List<CatalogFunction> functions = new ArrayList<>();
        List<CatalogService> tools = new ArrayList<>();
        base.functions().stream().filter(f -> !changed.containsKey(f.service())).forEach(functions::add);
        base.services().stream().filter(t -> !changed.containsKey(t.name())).forEach(tools::add);
        changed.forEach((name, instances) -> addTool(name, instances, functions, tools));
        tools.sort(Comparator.comparing(CatalogService::name));
        return catalog(version, functions, tools);
    }

    private static Catalog catalog(long version, List<CatalogFunction> functions, List<CatalogService> tools) {
        functions.sort(Comparator.comparing(CatalogFunction::name));
        Map<String, String> index = new LinkedHashMap<>();
        functions.forEach(f -> index.put(f.name(), f.service()));
        return new Catalog(version, functions, tools, index);
    }

    /** Adds the catalog entry of a service (its functions and UP endpoints) when it is a tool with an UP instance. */
    private static void addTool(
            String name, List<Instance> instances, List<CatalogFunction> functions, List<CatalogService> tools) {
        List<Instance> up = instances.stream()
                .filter(i -> i.kind() == ServiceKind.TOOL && i.status() == InstanceStatus.UP)
                .toList();
        if (up.isEmpty()) {
            return;
        }
        // Instances of one service share its functions; the most recently registered one describes them.
        Map<String, FunctionDescriptor> declared = new TreeMap<>();
        up.stream()
                .sorted(Comparator.comparing(Instance::registeredAt).reversed())
                .flatMap(i -> i.functions().stream())
                .forEach(f -> declared.putIfAbsent(f.name(), f));
        Instance newest =
                up.stream().max(Comparator.comparing(Instance::registeredAt)).orElseThrow();
        declared.values()
                .forEach(f -> functions.add(new CatalogFunction(
                        f.name(), f.description(), f.inputSchema(), f.outputSchema(), name, f.mcpName())));
        tools.add(new CatalogService(
                name,
                newest.version(),
                newest.description(),
                up.stream()
                        .map(i -> new CatalogEndpoint(i.instanceId(), i.endpoint(), i.metadata(), i.protocol()))
                        .toList()));
    }

    private static String digest(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** The tools whose catalog entries a change from snapshot {@code from} to snapshot {@code to} touched. */
    public record Step(long from, long to, Set<String> tools) {

        public Step {
            tools = Set.copyOf(tools);
        }
    }

    /** A body compressed once, on first demand, instead of on every response; concurrent first callers wait for it. */
    public static final class Gzipped {

        private final byte[] plain;
        private volatile byte[] compressed;

        Gzipped(byte[] plain) {
            this.plain = plain;
        }

        public byte[] bytes() {
            byte[] result = compressed;
            if (result == null) {
                return compress();
            }
            return result;
        }

        private synchronized byte[] compress() {
            byte[] result = compressed;
            if (result == null) {
                var out = new java.io.ByteArrayOutputStream(plain.length / 8 + 64);
                try (var gzip = new java.util.zip.GZIPOutputStream(out)) {
                    gzip.write(plain);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                result = out.toByteArray();
                compressed = result;
            }
            return result;
        }
    }

    /**
     * The catalog's JSON, ETag and gzip, made on the first catalog request of a snapshot: the snapshot is rebuilt on
     * every change (registrations come in bursts), and most of its readers never serialize the catalog.
     */
    public static final class CatalogBytes {

        private final JsonMapper mapper;
        private final Catalog catalog;
        private volatile byte[] json;
        private volatile String etag;
        private volatile Gzipped gzip;

        CatalogBytes(JsonMapper mapper, Catalog catalog) {
            this.mapper = mapper;
            this.catalog = catalog;
        }

        private void make() {
            if (gzip == null) {
                synchronized (this) {
                    if (gzip == null) {
                        byte[] bytes = mapper.writeValueAsBytes(catalog);
                        etag = "W/\""
                                + digest(mapper.writeValueAsBytes(List.of(catalog.functions(), catalog.services())))
                                + "\"";
                        json = bytes;
                        gzip = new Gzipped(bytes);
                    }
                }
            }
        }
    }

    /**
     * One consistent state of the registry, as of event {@code version}.
     *
     * @param increments how many times it was advanced by events since the last full build
     * @param steps      its most recent changes (at most 4,096), oldest first: which tools each one
     *                   touched, so a client holding an older catalog can be told which entries to replace
     */
    public record Snapshot(
            long version,
            Map<String, List<Instance>> services,
            Map<String, Set<String>> byCapability,
            Map<ServiceKind, Map<InstanceStatus, Long>> counts,
            Catalog catalog,
            CatalogBytes catalogBytes,
            int increments,
            List<Step> steps) {

        /**
         * The tools whose catalog entry may have changed after catalog event {@code since}, up to this snapshot (a
         * superset: a tool whose instances changed and came back the same is named too); empty when this snapshot's
         * history doesn't reach back that far or {@code since} is ahead of it.
         */
        public Optional<Set<String>> toolsChangedSince(long since) {
            if (since == version) {
                return Optional.of(Set.of());
            }
            if (since > version || steps.isEmpty() || since < steps.getFirst().from()) {
                return Optional.empty();
            }
            Set<String> tools = new TreeSet<>();
            for (int i = steps.size() - 1; i >= 0 && steps.get(i).to() > since; i--) {
                tools.addAll(steps.get(i).tools());
            }
            return Optional.of(tools);
        }

        public byte[] catalogJson() {
            catalogBytes.make();
            return catalogBytes.json;
        }

        public String catalogEtag() {
            catalogBytes.make();
            return catalogBytes.etag;
        }

        public Gzipped catalogGzip() {
            catalogBytes.make();
            return catalogBytes.gzip;
        }

        public long count(ServiceKind kind, InstanceStatus status) {
            return counts.getOrDefault(kind, Map.of()).getOrDefault(status, 0L);
        }

        public long total() {
            return counts.values().stream()
                    .flatMap(m -> m.values().stream())
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }
}
