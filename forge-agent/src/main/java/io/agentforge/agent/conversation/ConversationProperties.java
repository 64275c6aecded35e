package io.agentforge.agent.conversation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How much conversation history the agent keeps, so no caller can grow its memory or database without bound.
 *
 * @param maxPerCaller  conversations one caller keeps; starting one more removes that caller's least recently
 *                      updated one
 * @param retention     a conversation with no new turn for this long is removed by the sweep
 * @param sweepInterval how often the sweep runs
 * @param maxTurns      turns kept per conversation (the oldest are dropped, in memory; read back, in PostgreSQL)
 * @param maxTotal      conversations of all callers together, in memory only (the database has no such cap)
 */
@ConfigurationProperties("agentforge.agent.conversations")
public record ConversationProperties(
        @DefaultValue("200") int maxPerCaller,
        @DefaultValue("30d") Duration retention,
        @DefaultValue("1h") Duration sweepInterval,
        @DefaultValue("200") int maxTurns,
        @DefaultValue("10000") int maxTotal) {

    public ConversationProperties {
        if (maxPerCaller < 1) {
            throw new IllegalArgumentException("agentforge.agent.conversations.max-per-caller must be at least 1");
        }
        if (retention == null || retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("agentforge.agent.conversations.retention must be positive");
        }
        if (sweepInterval == null || sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("agentforge.agent.conversations.sweep-interval must be positive");
        }
        if (maxTurns < 1 || maxTotal < 1) {
            throw new IllegalArgumentException(
                    "agentforge.agent.conversations.max-turns and max-total must be at" + " least 1");
        }
    }

    /** The defaults, for code that builds a store without Spring. */
    public static ConversationProperties defaults() {
        return new ConversationProperties(200, Duration.ofDays(30), Duration.ofHours(1), 200, 10_000);
    }
}
