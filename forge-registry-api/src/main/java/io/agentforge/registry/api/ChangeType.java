package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Kinds of change-feed events; the wire name is also the SSE event name. */
public enum ChangeType {
    REGISTERED("registered"),
    UPDATED("updated"),
    STATUS_CHANGED("status-changed"),
    DEREGISTERED("deregistered"),
    EXPIRED("expired");

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

    /** Whether the instance is gone after this change. */
    public boolean removesInstance() {
        return this == DEREGISTERED || this == EXPIRED;
    }
}
