package io.agentforge.registry.token;

import io.agentforge.registry.api.Role;
import io.agentforge.registry.instance.InstanceStore;
import io.agentforge.registry.security.ApiKeyPrincipal;

/**
 * Which service names tokens may be issued for, and which a key may use: both follow durable name ownership, so a
 * name keeps its owner while its instances restart.
 */
class ServiceNames {

    private final InstanceStore store;

    ServiceNames(InstanceStore store) {
        this.store = store;
    }

    /** Whether {@code name} is a registered service name, so a token for it has a recipient. */
    boolean isRegistered(String name) {
        return store.ownerOfService(name).isPresent();
    }

    /** Whether {@code caller} may use {@code name}: a registry token for that audience is meant for it. */
    boolean mayUse(ApiKeyPrincipal caller, String name) {
        if (caller.has(Role.ADMIN)) {
            return true;
        }
        return caller.keyId() != null
                && store.ownerOfService(name)
                        .map(owner -> caller.keyId().equals(owner.keyId()))
                        .orElse(false);
    }
}
