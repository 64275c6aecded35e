package io.agentforge.registry.instance;

/** Outcome of releasing a service name's owner. */
public enum OwnerRelease {
    /** The name and its function names are free for the next registration to claim. */
    RELEASED,
    /** Nobody owned the name. */
    NOT_OWNED,
    /** Live instances of the service exist; they must be gone first. */
    IN_USE
}
