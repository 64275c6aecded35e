package io.agentforge.registry.api;

/** Health of an instance whose lease is valid; only {@link #UP} instances are offered by discovery. */
public enum InstanceStatus {
    UP,
    DOWN
}
