package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Role of an API key. Each role includes the ones below it: admin ⊃ service ⊃ client. */
public enum Role {
    ADMIN,
    SERVICE,
    CLIENT;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Role fromWire(String value) {
        for (Role role : values()) {
            if (role.wireName().equals(value)) {
                return role;
            }
        }
        throw new InvalidFieldException(
                "roles", "unknown role '" + value + "', expected one of admin, service, client");
    }

    /** Whether a key with this role may act as {@code required}. */
    public boolean includes(Role required) {
        return ordinal() <= required.ordinal();
    }
}
