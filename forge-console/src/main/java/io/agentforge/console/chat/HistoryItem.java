package io.agentforge.console.chat;

import io.agentforge.console.RelativeTime;
import java.time.Instant;

/** A conversation in the sidebar. */
public record HistoryItem(String id, String title, int turns, String updated) {

    static HistoryItem of(Conversations.Summary summary, Instant now) {
        String title = summary.title() == null || summary.title().isBlank() ? "Untitled conversation" : summary.title();
        return new HistoryItem(
                summary.id(),
                title,
                summary.turns(),
                RelativeTime.ago(summary.updatedAt() != null ? summary.updatedAt() : summary.createdAt(), now));
    }
}
