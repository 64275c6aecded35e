package io.agentforge.registry.api;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a catalog search ranks: words (BM25), meaning (embeddings), or both fused. */
public enum SearchMode {
    HYBRID,
    LEXICAL,
    SEMANTIC;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SearchMode fromWire(String value) {
        for (SearchMode mode : values()) {
            if (mode.wireName().equalsIgnoreCase(value)) {
                return mode;
            }
        }
        throw new InvalidFieldException(
                "mode",
                "unknown mode '" + Checks.abbreviate(String.valueOf(value))
                        + "', expected one of hybrid, lexical, semantic");
    }
}
