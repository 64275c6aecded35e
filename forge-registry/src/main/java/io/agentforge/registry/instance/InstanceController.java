package io.agentforge.registry.instance;

import io.agentforge.registry.api.Instance;
import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/instances")
@Tag(name = "Instances", description = "Registration and leases")
class InstanceController {

    private final Registrations registrations;
    private final InstanceStore store;

    InstanceController(Registrations registrations, InstanceStore store) {
        this.registrations = registrations;
        this.store = store;
    }

    @PostMapping
    @Operation(summary = "Register an instance, or update it when its instanceId is known (201 new, 200 updated)")
    ResponseEntity<Instance> register(
            @RequestBody ServiceRegistration registration, @AuthenticationPrincipal ApiKeyPrincipal caller) {
        Registered registered = registrations.register(registration, caller);
        if (registered.created()) {
            return ResponseEntity.created(URI.create(
                            "/api/v1/instances/" + registered.instance().instanceId()))
                    .body(registered.instance());
        }
        return ResponseEntity.ok(registered.instance());
    }

    @PutMapping("/{instanceId}/lease")
    @Operation(summary = "Renew the lease; 404 means the registry does not know the instance: register again")
    Lease renew(@PathVariable String instanceId, @AuthenticationPrincipal ApiKeyPrincipal caller) {
        return registrations.renew(validId(instanceId), caller);
    }

    @DeleteMapping("/{instanceId}")
    @Operation(summary = "Deregister an instance (its owner or an admin)")
    ResponseEntity<Void> deregister(@PathVariable String instanceId, @AuthenticationPrincipal ApiKeyPrincipal caller) {
        registrations.deregister(validId(instanceId), caller);
        return ResponseEntity.noContent().build();
    }

    @GetMapping("/{instanceId}")
    @Operation(summary = "One instance with its status and lease")
    Instance get(@PathVariable String instanceId) {
        return store.find(validId(instanceId))
                .map(StoredInstance::instance)
                .orElseThrow(() -> ApiException.notFound("No instance '" + instanceId + "' is registered"));
    }

    private static String validId(String instanceId) {
        if (!ServiceRegistration.INSTANCE_ID.matcher(instanceId).matches()) {
            throw ApiException.invalid(
                    "instanceId '" + (instanceId.length() > 80 ? instanceId.substring(0, 77) + "..." : instanceId)
                            + "' does not match " + ServiceRegistration.INSTANCE_ID.pattern());
        }
        return instanceId;
    }
}
