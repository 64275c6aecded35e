package io.agentforge.registry.instance;

import io.agentforge.registry.api.ServiceKind;

/** A service name is owned as one kind and was registered as another. */
public class KindConflictException extends RuntimeException {

    private final String service;
    private final ServiceKind owned;

    public KindConflictException(String service, ServiceKind owned, ServiceKind requested) {
        super("Service '" + service + "' is a " + owned + ", it can't be registered as " + requested);
        this.service = service;
        this.owned = owned;
    }

    public String service() {
        return service;
    }

    public ServiceKind owned() {
        return owned;
    }
}
