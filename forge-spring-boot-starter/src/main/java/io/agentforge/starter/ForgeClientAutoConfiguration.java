package io.agentforge.starter;

import io.agentforge.client.AccessTokens;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.TokenExchanger;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * The registry client and the token exchanger, when {@code agentforge.registry-url} and {@code agentforge.api-key}
 * are set; the outbound endpoint policy ({@code agentforge.outbound.*}) always.
 */
@AutoConfiguration
@EnableConfigurationProperties(ForgeProperties.class)
public class ForgeClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(RegistryClient.class)
    @Conditional(RegistryConfiguredCondition.class)
    HttpRegistryClient forgeRegistryClient(
            ForgeProperties properties, ObjectProvider<ObservationRegistry> observations) {
        return new HttpRegistryClient(
                settings(properties), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(AccessTokens.class)
    @Conditional(RegistryConfiguredCondition.class)
    TokenExchanger forgeTokenExchanger(
            ForgeProperties properties, ObjectProvider<Clock> clock, ObjectProvider<ObservationRegistry> observations) {
        return new TokenExchanger(
                settings(properties),
                TokenExchanger.DEFAULT_MAX_ENTRIES,
                clock.getIfAvailable(Clock::systemUTC),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    @Bean
    @ConditionalOnMissingBean
    OutboundPolicy forgeOutboundPolicy(ForgeProperties properties) {
        ForgeProperties.Outbound outbound = properties.outbound();
        try {
            return new OutboundPolicy(outbound.allowLoopback(), outbound.allowPrivate(), outbound.allowedCidrs());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid agentforge.outbound.allowed-cidrs: " + e.getMessage(), e);
        }
    }

    private static ForgeClientSettings settings(ForgeProperties properties) {
        try {
            return ForgeClientSettings.of(properties.registryUrl(), properties.apiKey());
        } catch (IllegalArgumentException e) {
            // Fail at startup: a typo in the URL or key would otherwise only show as failed heartbeats.
            throw new IllegalStateException(
                    "Invalid agentforge.registry-url or agentforge.api-key: " + e.getMessage(), e);
        }
    }
}
