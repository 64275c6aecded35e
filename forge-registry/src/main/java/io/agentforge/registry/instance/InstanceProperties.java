package io.agentforge.registry.instance;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param store                  {@code memory} (default, one process) or {@code postgres} (shared, durable)
 * @param eventRetention         change-feed events kept for {@code Last-Event-ID} resumption
 * @param renewalFlushInterval   postgres only: renewals are written in batches at this interval
 * @param allowLinkLocalEndpoints accept link-local and cloud-metadata addresses as endpoints (off: SSRF guard)
 * @param allowLoopbackEndpoints  accept loopback endpoints ({@code 127.0.0.0/8}, {@code ::1}, {@code localhost}): only
 *                                for a stack on one machine; the registry's own ports are refused even then
 */
@ConfigurationProperties("agentforge.registry")
public record InstanceProperties(
        @DefaultValue("memory") String store,
        @DefaultValue("10000") int eventRetention,
        @DefaultValue("200ms") Duration renewalFlushInterval,
        @DefaultValue("false") boolean allowLinkLocalEndpoints,
        @DefaultValue("false") boolean allowLoopbackEndpoints) {}
