package io.agentforge.registry.instance;

import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.web.ApiException;
import io.agentforge.registry.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** Registration, renewal and removal of instances, with the ownership rules of the security model. */
@Service
public class Registrations {

    private final InstanceStore store;
    private final EndpointPolicy endpointPolicy;
    private final Clock clock;
    private final Counter renewals;
    private final Counter unknownRenewals;

    Registrations(InstanceStore store, InstanceProperties properties, Clock clock, MeterRegistry meters) {
        this.store = store;
        this.endpointPolicy = new EndpointPolicy(properties.allowLinkLocalEndpoints());
        this.clock = clock;
        this.renewals = Counter.builder("agentforge.registry.renewals").description("Lease renewals")
                .tag("outcome", "renewed").register(meters);
        this.unknownRenewals = Counter.builder("agentforge.registry.renewals").description("Lease renewals")
                .tag("outcome", "unknown").register(meters);
    }

    public Registered register(ServiceRegistration registration, ApiKeyPrincipal caller) {
        endpointPolicy.refusal(registration.endpoint()).ifPresent(reason -> {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, Problems.ENDPOINT_REFUSED, "Endpoint refused",
                    "endpoint: " + reason + "; the registry does not accept it (agentforge.registry"
                            + ".allow-link-local-endpoints)");
        });
        ServiceRegistration withId = registration.instanceId() != null ? registration
                : registration.withInstanceId(registration.name() + "-" + UUID.randomUUID().toString().substring(0, 8));
        store.ownerOf(withId.instanceId()).ifPresent(owner -> requireOwner(withId.instanceId(), owner, caller));
        requireServiceOwner(withId.name(), caller);
        try {
            return store.register(withId, caller.keyId(), clock.instant());
        } catch (FunctionConflictException e) {
            throw new ApiException(HttpStatus.CONFLICT, Problems.FUNCTION_CONFLICT, "Function name taken",
                    e.getMessage() + "; function names are unique across the catalog, prefix them with your service"
                            + " name (e.g. " + withId.name().replace('-', '_') + "_" + e.function() + ")");
        }
    }

    public Lease renew(String instanceId, ApiKeyPrincipal caller) {
        String owner = store.ownerOf(instanceId).orElseThrow(() -> unknown(instanceId));
        requireOwner(instanceId, owner, caller);
        Lease lease = store.renew(instanceId, clock.instant()).orElseThrow(() -> unknown(instanceId));
        renewals.increment();
        return lease;
    }

    public void deregister(String instanceId, ApiKeyPrincipal caller) {
        String owner = store.ownerOf(instanceId).orElseThrow(() -> new ApiException(HttpStatus.NOT_FOUND,
                Problems.NOT_FOUND, "Unknown instance", "No instance '" + instanceId + "' is registered"));
        requireOwner(instanceId, owner, caller);
        store.deregister(instanceId, clock.instant());
    }

    private ApiException unknown(String instanceId) {
        unknownRenewals.increment();
        return new ApiException(HttpStatus.NOT_FOUND, Problems.NOT_FOUND, "Unknown instance",
                "No instance '" + instanceId + "' is registered (its lease may have expired); register it again");
    }

    // A service's name belongs to the key its live instances were registered with: another service key could
    // otherwise join "calculator" and receive the callers' keys that clients send to its instances.
    private void requireServiceOwner(String service, ApiKeyPrincipal caller) {
        if (caller.has(Role.ADMIN)) {
            return;
        }
        String key = caller.keyId() == null ? "" : caller.keyId();
        Set<String> owners = store.ownersOfService(service);
        if (!owners.isEmpty() && !owners.contains(key)) {
            throw ApiException.forbidden("Service '" + service + "' is registered with another API key; every"
                    + " instance of a service must register with the same key (or an admin key)");
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
