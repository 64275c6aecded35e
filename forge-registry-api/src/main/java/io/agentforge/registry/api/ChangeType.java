package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kinds of change-feed events; the wire name is also the SSE event name. */
public enum ChangeType {
    REGISTERED("registered"),
    UPDATED("updated"),
    STATUS_CHANGED("status-changed"),
    DEREGISTERED("deregistered"),
    EXPIRED("expired"),
    /** An API key was revoked: drop whatever was derived from it. The event carries {@code keyId}, no instance. */
    KEY_REVOKED("key-revoked");

    private final String wireName;

    ChangeType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ChangeType fromWire(String value) {
        for (ChangeType type : values()) {
            if (type.wireName.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown change type '" + value + "'");
    }

    /** Whether the event is about an instance (every type but {@link #KEY_REVOKED}). */
    public boolean concernsInstance() {
        return this != KEY_REVOKED;
    }
}
