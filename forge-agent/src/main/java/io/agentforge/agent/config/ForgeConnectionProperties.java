package io.agentforge.agent.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * How the agent reaches the registry and presents itself there.
 *
 * @param registryUrl base URL of the registry
 * @param apiKey      the agent's own service key: registers the agent and calls tools
 * @param endpoint    advertised base URL of this agent; defaults to {@code http://<host>:<port>}
 */
@ConfigurationProperties("agentforge")
public record ForgeConnectionProperties(@DefaultValue("http://localhost:8081") String registryUrl, String apiKey,
                                        String endpoint, @DefaultValue("true") boolean register,
                                        @DefaultValue("30s") Duration leaseDuration,
                                        @DefaultValue("agent") String serviceName) {

    @Override
    public String toString() {
        return "ForgeConnectionProperties[registryUrl=" + registryUrl + ", endpoint=" + endpoint + ", apiKey="
                + (apiKey == null || apiKey.isBlank() ? "unset" : "***") + "]";
    }
}
