package io.agentforge.registry.api;

import org.jspecify.annotations.Nullable;

/** Text helpers for messages that quote what a caller sent. */
public final class Texts {

    private Texts() {}

    /**
     * {@code text} cut to at most {@code max} characters, ending in {@code ...} when cut; null stays null. Problem
     * details quote the caller's input this way so a huge or hostile value never fills a message.
     */
    public static @Nullable String abbreviate(@Nullable String text, int max) {
        if (max < 4) {
            throw new IllegalArgumentException("max must leave room for the ellipsis");
        }
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max - 3) + "...";
    }
}
