package io.agentforge.agent.config;

import io.agentforge.agent.tooling.AgentDelegation;
import io.agentforge.agent.tooling.RegistryToolCallbackProvider;
import io.agentforge.agent.tooling.ToolExposure;
import io.agentforge.agent.tooling.ToolExposureProperties;
import io.agentforge.client.AccessTokens;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.starter.ForgeProperties;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The catalog as Spring AI tools. The registry client, discovery cache, function invoker (tools get a token for
 * their own name, exchanged with the agent's key for the end user the chat loop names) and the agent's own
 * registration all come from forge-spring-boot-starter.
 */
@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {

    @Bean
    RegistryToolCallbackProvider registryToolCallbackProvider(
            ObjectProvider<DiscoveryCache> discovery,
            ObjectProvider<FunctionInvoker> invoker,
            ObjectProvider<AgentDelegation> delegation) {
        DiscoveryCache cache = discovery.getIfAvailable();
        FunctionInvoker calls = invoker.getIfAvailable();
        if (cache == null || calls == null) {
            // The starter makes them only with both settings; an agent without tools is no use.
            throw new IllegalStateException("The agent needs the registry to discover and call tools: set "
                    + "AGENTFORGE_REGISTRY_URL (agentforge.registry-url) and AGENTFORGE_API_KEY (agentforge.api-key) to"
                    + " a registry API key with the 'service' role");
        }
        return new RegistryToolCallbackProvider(cache, calls, ForgeJacksonModule.mapper(), delegation.getIfAvailable());
    }

    /**
     * Agent-to-agent delegation over A2A, for the same end user as tool calls (tokens from the starter's token
     * exchanger, made by the starter together with the registry client the agent requires).
     */
    @Bean
    AgentDelegation agentDelegation(
            RegistryClient client,
            AccessTokens tokens,
            OutboundPolicy policy,
            ForgeProperties forge,
            @Value("${spring.application.name:agent}") String applicationName,
            AgentProperties agent,
            A2aProperties a2a,
            ObjectProvider<DiscoveryCache> discovery,
            Clock clock) {
        String self = forge.service().name() != null ? forge.service().name() : applicationName;
        return new AgentDelegation(
                self,
                client,
                tokens,
                policy,
                ForgeJacksonModule.mapper(),
                clock,
                a2a.maxDelegationDepth(),
                a2a.agentsRefresh(),
                a2a.delegationTimeout(),
                () -> {
                    DiscoveryCache cache = discovery.getIfAvailable();
                    return cache == null ? 0 : cache.instanceChanges();
                });
    }

    /** Progressive exposure searches the registry with the agent's own client (the catalog is the same for all keys). */
    @Bean
    ToolExposure toolExposure(RegistryClient client, ToolExposureProperties properties) {
        return new ToolExposure(client, properties, ForgeJacksonModule.mapper());
    }
}
