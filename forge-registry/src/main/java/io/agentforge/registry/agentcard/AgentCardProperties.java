package io.agentforge.registry.agentcard;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How the registry reads the A2A agent cards of registered agents.
 *
 * @param enabled     read cards at all; when false agents are listed without card information
 * @param timeout     a read that has not answered by then fails
 * @param maxSize     a larger card is refused (the registry keeps every card in memory and serves it in listings)
 * @param refresh     a card is read again this long after the previous read, besides on every (re-)registration
 * @param maxInFlight reads running at once; due reads beyond it wait for the next tick
 */
@ConfigurationProperties("agentforge.registry.agent-cards")
public record AgentCardProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") Duration timeout,
        @DefaultValue("64KB") DataSize maxSize,
        @DefaultValue("5m") Duration refresh,
        @DefaultValue("16") int maxInFlight) {

    public AgentCardProperties {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("agentforge.registry.agent-cards.timeout must be positive");
        }
        if (maxSize.toBytes() < 1 || maxSize.toBytes() > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("agentforge.registry.agent-cards.max-size must be 1B..16MB");
        }
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("agentforge.registry.agent-cards.refresh must be positive");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("agentforge.registry.agent-cards.max-in-flight must be at least 1");
        }
    }
}
