package io.agentforge.registry.instance;

/** A service name is owned by another key. */
public class NameOwnedException extends RuntimeException {

    private final String service;

    public NameOwnedException(String service) {
        super("Service '" + service + "' is owned by another API key");
        this.service = service;
    }

    public String service() {
        return service;
    }
}
