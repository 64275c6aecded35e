package io.agentforge.gateway.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's notification streams ({@code agentforge.gateway.*}).
 *
 * @param listChangedInterval how often the catalog snapshot is checked while notification streams are open
 * @param keepAlive           how often an idle notification stream gets an SSE comment (finds clients gone away)
 * @param maxStreams          open notification streams per replica
 * @param maxStreamsPerCaller open notification streams per caller
 */
@ConfigurationProperties("agentforge.gateway")
record GatewayProperties(
        @DefaultValue("250ms") Duration listChangedInterval,
        @DefaultValue("25s") Duration keepAlive,
        @DefaultValue("2000") int maxStreams,
        @DefaultValue("16") int maxStreamsPerCaller) {}
