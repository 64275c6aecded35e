package io.agentforge.registry.instance;

import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.web.ApiException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/services")
@Tag(name = "Instances", description = "Registration and leases")
class OwnersController {

    private final Registrations registrations;

    OwnersController(Registrations registrations) {
        this.registrations = registrations;
    }

    @DeleteMapping("/{name}/owner")
    @Operation(
            summary = "Release a service name (admin): the next registration claims it and its function names;"
                    + " 404 when nobody owns it, 409 while instances of it are live")
    ResponseEntity<Void> release(@PathVariable String name) {
        if (!ServiceRegistration.SERVICE_NAME.matcher(name).matches()) {
            throw ApiException.invalid("name '" + (name.length() > 80 ? name.substring(0, 77) + "..." : name)
                    + "' does not match " + ServiceRegistration.SERVICE_NAME.pattern());
        }
        registrations.releaseOwner(name);
        return ResponseEntity.noContent().build();
    }
}
