package io.agentforge.console.config;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.TokenExchanger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/**
 * The forge-client objects the console talks to the registry and tools with: the console's own key for the registry,
 * tokens exchanged with it for tools.
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
        return new ForgeClientSettings(properties.registryUrl(), properties.apiKey(), Duration.ofSeconds(2),
                Duration.ofSeconds(10));
    }

    @Bean(destroyMethod = "close")
    HttpRegistryClient registryClient(ForgeClientSettings settings) {
        return new HttpRegistryClient(settings);
    }

    /** Tools get a token for their own name, exchanged at the registry; never the console's key. */
    @Bean(destroyMethod = "close")
    TokenExchanger tokenExchanger(ForgeClientSettings settings, Clock clock) {
        return new TokenExchanger(settings, clock);
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
    FunctionInvoker functionInvoker(DiscoveryCache discoveryCache, TokenExchanger tokens, OutboundPolicy policy,
                                    Clock clock) {
        return new FunctionInvoker(discoveryCache, InvokerSettings.defaults(), tokens, policy, clock);
    }
}
