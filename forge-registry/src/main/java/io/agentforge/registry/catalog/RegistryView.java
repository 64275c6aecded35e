package io.agentforge.registry.catalog;

import io.agentforge.registry.api.Catalog;
import io.agentforge.registry.api.Catalog.CatalogEndpoint;
import io.agentforge.registry.api.Catalog.CatalogFunction;
import io.agentforge.registry.api.Catalog.CatalogService;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * serialized. It is rebuilt only when the change feed has moved on, so reads never scan all instances; renewals
 * append no event and leave it untouched.
 */
@Component
public class RegistryView {

    private static final Logger log = LoggerFactory.getLogger(RegistryView.class);

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
                List<StoredInstance> stored;
                try {
                    stored = store.all();
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
                current = build(version, stored);
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

    private Snapshot build(long version, List<StoredInstance> stored) {
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
        services.values().forEach(list -> list.sort(Comparator.comparing(Instance::instanceId)));
        Catalog catalog = catalog(version, services);
        return new Snapshot(version, services, byCapability, counts, catalog, new CatalogBytes(mapper, catalog));
    }

    private static Catalog catalog(long version, Map<String, List<Instance>> services) {
        List<CatalogFunction> functions = new ArrayList<>();
        List<CatalogService> tools = new ArrayList<>();
        Map<String, String> index = new LinkedHashMap<>();
        services.forEach((name, instances) -> {
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
            Instance newest = up.stream()
                    .max(Comparator.comparing(Instance::registeredAt))
                    .orElseThrow();
            declared.values()
                    .forEach(f -> functions.add(new CatalogFunction(
                            f.name(), f.description(), f.inputSchema(), f.outputSchema(), name, f.mcpName())));
            declared.keySet().forEach(f -> index.put(f, name));
            tools.add(new CatalogService(
                    name,
                    newest.version(),
                    newest.description(),
                    up.stream()
                            .map(i -> new CatalogEndpoint(i.instanceId(), i.endpoint(), i.metadata(), i.protocol()))
                            .toList()));
        });
        functions.sort(Comparator.comparing(CatalogFunction::name));
        return new Catalog(version, functions, tools, index);
    }

    private static String digest(byte[] bytes) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
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

    /** One consistent state of the registry, as of event {@code version}. */
    public record Snapshot(
            long version,
            Map<String, List<Instance>> services,
            Map<String, Set<String>> byCapability,
            Map<ServiceKind, Map<InstanceStatus, Long>> counts,
            Catalog catalog,
            CatalogBytes catalogBytes) {

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
