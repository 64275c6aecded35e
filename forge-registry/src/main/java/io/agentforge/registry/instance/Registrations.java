package io.agentforge.registry.instance;

import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceProtocol;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.mcp.McpServerException;
import io.agentforge.registry.mcp.McpServers;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.LimitsProperties;
import io.agentforge.registry.web.ApiException;
import io.agentforge.registry.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

/** Registration, renewal and removal of instances, with the ownership rules of the security model. */
@Service
public class Registrations {

    private final InstanceStore store;
    private final EndpointPolicy endpointPolicy;
    private final Clock clock;
    private final LimitsProperties limits;
    private final Counter renewals;
    private final Counter unknownRenewals;
    private final McpServers mcpServers;

    public Registrations(
            InstanceStore store,
            EndpointPolicy endpointPolicy,
            LimitsProperties limits,
            McpServers mcpServers,
            Clock clock,
            MeterRegistry meters) {
        this.store = store;
        this.mcpServers = mcpServers;
        this.limits = limits;
        this.endpointPolicy = endpointPolicy;
        this.clock = clock;
        this.renewals = Counter.builder("agentforge.registry.renewals")
                .description("Lease renewals")
                .tag("outcome", "renewed")
                .register(meters);
        this.unknownRenewals = Counter.builder("agentforge.registry.renewals")
                .description("Lease renewals")
                .tag("outcome", "unknown")
                .register(meters);
    }

    public Registered register(ServiceRegistration registration, ApiKeyPrincipal caller) {
        endpointPolicy.refusal(registration.endpoint()).ifPresent(reason -> {
            throw new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    Problems.ENDPOINT_REFUSED,
                    "Endpoint refused",
                    "endpoint: " + reason + "; the registry does not accept it (see agentforge.registry"
                            + ".allow-loopback-endpoints and .allow-link-local-endpoints)");
        });
        ServiceRegistration withId = registration.instanceId() != null
                ? registration
                : registration.withInstanceId(
                        registration.name() + "-" + UUID.randomUUID().toString().substring(0, 8));
        requireScope(withId, caller);
        store.ownerOf(withId.instanceId()).ifPresent(owner -> requireOwner(withId.instanceId(), owner, caller));
        ServiceRegistration complete = withId.protocol() == ServiceProtocol.MCP ? imported(withId) : withId;
        return store(complete, new Registrant(caller.keyId(), caller.has(Role.ADMIN), limits.instancesPerKey()));
    }

    /**
     * Stores a registration of an MCP server again with freshly imported functions (the refresh), as its owner key.
     * Keeps the instance's status; the lease restarts, as the server just answered.
     */
    public Registered storeImported(ServiceRegistration registration, String ownerKeyId) {
        // As an admin would: the owner keeps its name and the refresh is not counted against its instance limit.
        return store(registration, new Registrant(ownerKeyId, true, Integer.MAX_VALUE));
    }

    // An MCP server tells its functions itself: they are imported now, so a registration that can't be called fails
    // here with the reason instead of becoming an instance without functions.
    private ServiceRegistration imported(ServiceRegistration registration) {
        if (!registration.functions().isEmpty()) {
            throw ApiException.invalid(
                    "functions: the functions of an \"mcp\" instance are imported from its" + " tools/list; omit them");
        }
        try {
            ServiceRegistration withFunctions = registration.withFunctions(mcpServers.importFunctions(registration));
            // Probes keep an MCP server's lease alive (nobody else renews it), so it always has a health check.
            return withFunctions.healthCheck() != null
                    ? withFunctions
                    : withFunctions.withHealthCheck(new HealthCheck(null, null));
        } catch (McpServerException e) {
            throw new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    Problems.MCP_SERVER_UNUSABLE,
                    "MCP server unusable",
                    "endpoint " + registration.endpoint() + ": " + e.getMessage() + "; an \"mcp\" endpoint must be"
                            + " the Streamable HTTP URL of an MCP server that answers initialize and tools/list"
                            + " (see docs/interop.md)");
        }
    }

    private Registered store(ServiceRegistration withId, Registrant registrant) {
        try {
            return store.register(withId, registrant, clock.instant());
        } catch (FunctionConflictException e) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    Problems.FUNCTION_CONFLICT,
                    "Function name taken",
                    e.getMessage() + "; function names are unique across the catalog, prefix them with your service"
                            + " name (e.g. " + withId.name().replace('-', '_') + "_" + e.function() + ")");
        } catch (NameOwnedException e) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    Problems.NAME_OWNED,
                    "Service name owned",
                    e.getMessage() + " (it owns the name from its first registration on, also while no instance is"
                            + " live); register with that key, or have an admin release the name with DELETE"
                            + " /api/v1/services/" + e.service() + "/owner once its instances are gone");
        } catch (KindConflictException e) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    Problems.KIND_CONFLICT,
                    "Service kind conflict",
                    e.getMessage() + "; a service name has one kind until an admin releases it");
        } catch (InstanceLimitException e) {
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    Problems.LIMIT_EXCEEDED,
                    "Too many instances",
                    e.getMessage() + " (agentforge.registry.limits.instances-per-key); deregister instances you no"
                            + " longer run or let their leases expire");
        }
    }

    /** Frees a service name (admin); see {@link InstanceStore#releaseOwner}. */
    public void releaseOwner(String service) {
        switch (store.releaseOwner(service)) {
            case RELEASED -> {}
            case NOT_OWNED -> throw ApiException.notFound("Service name '" + service + "' is not owned by any key");
            case IN_USE ->
                throw new ApiException(
                        HttpStatus.CONFLICT,
                        Problems.NAME_IN_USE,
                        "Service name in use",
                        "Service '" + service + "' still has live instances; deregister them (or let their leases"
                                + " expire) before releasing the name");
        }
    }

    public Lease renew(String instanceId, ApiKeyPrincipal caller) {
        String owner = store.ownerOf(instanceId).orElseThrow(() -> unknown(instanceId));
        requireOwner(instanceId, owner, caller);
        Lease lease = store.renew(instanceId, clock.instant()).orElseThrow(() -> unknown(instanceId));
        renewals.increment();
        return lease;
    }

    /**
     * The renewal when the caller may renew and the instance is known; otherwise empty and nothing happened, and the
     * caller takes the regular path ({@link #renew}), which says why.
     */
    public Optional<Lease> tryRenew(String instanceId, ApiKeyPrincipal caller) {
        Optional<String> owner = store.ownerOf(instanceId);
        if (owner.isEmpty()
                || !(caller.has(Role.ADMIN)
                        || Objects.equals(owner.get(), caller.keyId() == null ? "" : caller.keyId()))) {
            return Optional.empty();
        }
        Optional<Lease> lease = store.renew(instanceId, clock.instant());
        lease.ifPresent(renewed -> renewals.increment());
        return lease;
    }

    public void deregister(String instanceId, ApiKeyPrincipal caller) {
        String owner = store.ownerOf(instanceId)
                .orElseThrow(() -> new ApiException(
                        HttpStatus.NOT_FOUND,
                        Problems.NOT_FOUND,
                        "Unknown instance",
                        "No instance '" + instanceId + "' is registered"));
        requireOwner(instanceId, owner, caller);
        store.deregister(instanceId, clock.instant());
    }

    private ApiException unknown(String instanceId) {
        unknownRenewals.increment();
        return new ApiException(
                HttpStatus.NOT_FOUND,
                Problems.NOT_FOUND,
                "Unknown instance",
                "No instance '" + instanceId + "' is registered (its lease may have expired); register it again");
    }

    // A key registers only the names and kinds it was scoped to, so a compromised tool can't pose as the agent or
    // as another tool; ownership (checked atomically in the store) then keeps a name with its first key.
    private static void requireScope(ServiceRegistration registration, ApiKeyPrincipal caller) {
        if (caller.has(Role.ADMIN)) {
            return;
        }
        if (!caller.mayUse(registration.name())) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    Problems.OUT_OF_SCOPE,
                    "Service name out of scope",
                    caller.services().isEmpty()
                            ? "This API key may register no service names: it was created before keys were scoped"
                                    + " to services; replace it with a key that has 'services' (see docs/operations.md)"
                            : "This API key may not register service '" + registration.name() + "'; the names it may"
                                    + " use are " + String.join(", ", caller.services()));
        }
        if (!caller.mayRegister(registration.kind())) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    Problems.OUT_OF_SCOPE,
                    "Service kind out of scope",
                    "This API key may not register a " + registration.kind() + "; it may register "
                            + caller.kinds().stream().map(Enum::name).sorted().collect(Collectors.joining(", "))
                            + " (an admin creates keys with \"kinds\":[\"AGENT\"] for agents)");
        }
    }

    private static void requireOwner(String instanceId, String owner, ApiKeyPrincipal caller) {
        if (caller.has(Role.ADMIN) || Objects.equals(owner, caller.keyId() == null ? "" : caller.keyId())) {
            return;
        }
        throw ApiException.forbidden("Instance '" + instanceId + "' was registered with another API key;"
                + " only that key or an admin may change it");
    }
}
