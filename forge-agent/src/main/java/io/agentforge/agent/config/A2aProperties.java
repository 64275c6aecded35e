package io.agentforge.agent.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The agent's A2A front door, under {@code agentforge.agent.a2a}.
 *
 * @param publicUrl          the agent's base URL as A2A clients reach it, for the agent card; empty: the advertised
 *                           endpoint ({@code agentforge.service.endpoint}), else the URL the card was fetched with
 * @param maxTasks           tasks kept in memory at once; a new task beyond it first pushes out the oldest ended one
 * @param taskRetention      how long an ended task can still be read with {@code GetTask}
 * @param maxDelegationDepth how many agents deep a question may be handed on: a question that arrived through this
 *                           many delegations is not delegated further
 * @param agentsRefresh      how long the list of other registered agents is reused before asking the registry again
 *                           (sooner when the registry's change feed reports a change)
 * @param delegationTimeout  how long a question handed to another agent may take, its model turns and tool calls
 *                           included
 */
@ConfigurationProperties("agentforge.agent.a2a")
public record A2aProperties(
        String publicUrl,
        @DefaultValue("1000") int maxTasks,
        @DefaultValue("1h") Duration taskRetention,
        @DefaultValue("2") int maxDelegationDepth,
        @DefaultValue("10s") Duration agentsRefresh,
        @DefaultValue("2m") Duration delegationTimeout) {

    public A2aProperties {
        publicUrl = publicUrl == null || publicUrl.isBlank() ? null : stripSlash(publicUrl.strip());
        if (maxTasks < 1) {
            throw new IllegalArgumentException("agentforge.agent.a2a.max-tasks must be at least 1");
        }
        if (delegationTimeout == null || delegationTimeout.isNegative() || delegationTimeout.isZero()) {
            throw new IllegalArgumentException("agentforge.agent.a2a.delegation-timeout must be positive");
        }
        if (maxDelegationDepth < 0) {
            throw new IllegalArgumentException("agentforge.agent.a2a.max-delegation-depth must not be negative");
        }
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
