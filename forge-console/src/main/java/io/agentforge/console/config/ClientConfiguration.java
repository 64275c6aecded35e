package io.agentforge.console.config;

import io.agentforge.client.Backoff;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RevocationFollower;
import io.agentforge.client.TokenExchanger;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The forge-client objects the console talks to the registry, agents and tools with: the console's own key for the
 * registry only; tokens exchanged with it (on behalf of the signed-in person) for agents and tools.
 */
@Configuration(proxyBeanMethods = false)
class ClientConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ForgeClientSettings forgeClientSettings(ConsoleProperties properties) {
        if (properties.apiKey() == null) {
            throw new IllegalStateException("agentforge.api-key (AGENTFORGE_API_KEY) is not set: the console needs"
                    + " its own client key to read the registry and call tools");
        }
        return new ForgeClientSettings(
                properties.registryUrl(), properties.apiKey(), Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @Bean(destroyMethod = "close")
    HttpRegistryClient registryClient(ForgeClientSettings settings, ObjectProvider<ObservationRegistry> observations) {
        return new HttpRegistryClient(settings, observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /** Agents and tools get a token for their own name, exchanged at the registry; never a key. */
    @Bean(destroyMethod = "close")
    TokenExchanger tokenExchanger(
            ForgeClientSettings settings, Clock clock, ObjectProvider<ObservationRegistry> observations) {
        return new TokenExchanger(
                settings,
                TokenExchanger.DEFAULT_MAX_ENTRIES,
                clock,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /**
     * Drops the cached tokens of a key the registry revokes (a signed-in person's, or the console's own), so the
     * next call exchanges again and the registry refuses it at once.
     */
    @Bean(destroyMethod = "close")
    RevocationFollower revocationFollower(HttpRegistryClient registryClient, TokenExchanger tokens) {
        return new RevocationFollower(registryClient, tokens::forget, Backoff.DEFAULT).start();
    }

    @Bean
    OutboundPolicy outboundPolicy(ConsoleProperties properties) {
        ConsoleProperties.Outbound outbound = properties.outbound();
        return new OutboundPolicy(outbound.allowLoopback(), outbound.allowPrivate(), outbound.allowedCidrs());
    }

    @Bean(destroyMethod = "close")
    DiscoveryCache discoveryCache(HttpRegistryClient registryClient, Clock clock) {
        return new DiscoveryCache(registryClient, clock).start();
    }

    @Bean(destroyMethod = "close")
    FunctionInvoker functionInvoker(
            DiscoveryCache discoveryCache,
            TokenExchanger tokens,
            OutboundPolicy policy,
            Clock clock,
            ObjectProvider<ObservationRegistry> observations) {
        return new FunctionInvoker(
                discoveryCache,
                InvokerSettings.defaults(),
                tokens,
                policy,
                clock,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }
}
