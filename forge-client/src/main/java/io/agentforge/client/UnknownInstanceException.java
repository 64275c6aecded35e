package io.agentforge.client;

/** The registry does not know the instance (its lease expired or the registry restarted): register it again. */
public final class UnknownInstanceException extends RegistryException {

    private final String instanceId;

    public UnknownInstanceException(String instanceId, Problem problem) {
        super(problem);
        this.instanceId = instanceId;
    }

    public String instanceId() {
        return instanceId;
    }
}
