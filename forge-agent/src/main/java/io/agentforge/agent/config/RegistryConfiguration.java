package io.agentforge.agent.config;

import io.agentforge.agent.tooling.RegistryToolCallbackProvider;
import io.agentforge.client.AccessTokens;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The agent's side of the registry beyond what the starter gives every service (client, key introspection, its own
 * registration): the discovery cache, tool invocation, and the catalog as Spring AI tools.
 */
@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {

    @Bean(destroyMethod = "close")
    DiscoveryCache discoveryCache(ObjectProvider<RegistryClient> client, Clock clock) {
        RegistryClient available = client.getIfAvailable();
        if (available == null) {
            // The starter creates the client only with both settings; an agent without tools is no use.
            throw new IllegalStateException("The agent needs the registry to discover and call tools: set "
                    + "AGENTFORGE_REGISTRY_URL (agentforge.registry-url) and AGENTFORGE_API_KEY (agentforge.api-key) to"
                    + " a registry API key with the 'service' role");
        }
        return new DiscoveryCache(available, clock).start();
    }

    /**
     * Tools get a token for their own name from the starter's TokenExchanger (exchanged with the agent's key, for the
     * end user the chat loop names), never the agent's key.
     */
    @Bean(destroyMethod = "close")
    FunctionInvoker functionInvoker(
            DiscoveryCache discovery,
            AccessTokens tokens,
            OutboundPolicy policy,
            Clock clock,
            ObjectProvider<ObservationRegistry> observations) {
        return new FunctionInvoker(
                discovery,
                InvokerSettings.defaults(),
                tokens,
                policy,
                clock,
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    RegistryToolCallbackProvider registryToolCallbackProvider(DiscoveryCache discovery, FunctionInvoker invoker) {
        return new RegistryToolCallbackProvider(discovery, invoker, ForgeJacksonModule.mapper());
    }
}
