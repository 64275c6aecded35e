package io.agentforge.registry.catalog;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param leaseRefresh how old the lease times in a cached discovery answer may get; renewals append no event, so
 *                     without this bound they would never move. Membership and status changes show at once.
 * @param maxChanges   most events one incremental fetch ({@code ?since=}) returns; {@code more} says when there are more
 */
@ConfigurationProperties("agentforge.registry.discovery")
public record DiscoveryProperties(
        @DefaultValue("1s") Duration leaseRefresh,
        @DefaultValue("1000") int maxChanges) {}
