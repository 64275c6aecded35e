package io.agentforge.console.config;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;
import java.time.Duration;

/** The forge-client objects the console talks to the registry and tools with, all using the console's own key. */
@Configuration(proxyBeanMethods = false)
class ClientConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    HttpRegistryClient registryClient(ConsoleProperties properties) {
        if (properties.apiKey() == null) {
            throw new IllegalStateException("agentforge.api-key (AGENTFORGE_API_KEY) is not set: the console needs"
                    + " its own client key to read the registry and call tools");
        }
        return new HttpRegistryClient(new ForgeClientSettings(properties.registryUrl(), properties.apiKey(),
                Duration.ofSeconds(2), Duration.ofSeconds(10)));
    }

    @Bean(destroyMethod = "close")
    DiscoveryCache discoveryCache(HttpRegistryClient registryClient, Clock clock) {
        return new DiscoveryCache(registryClient, clock).start();
    }

    @Bean(destroyMethod = "close")
    FunctionInvoker functionInvoker(DiscoveryCache discoveryCache, Clock clock) {
        return new FunctionInvoker(discoveryCache, clock);
    }
}
