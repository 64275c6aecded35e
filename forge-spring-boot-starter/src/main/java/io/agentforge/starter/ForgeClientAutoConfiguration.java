package io.agentforge.starter;

import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.RegistryClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/** The registry client, when {@code agentforge.registry-url} and {@code agentforge.api-key} are set. */
@AutoConfiguration
@EnableConfigurationProperties(ForgeProperties.class)
public class ForgeClientAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(RegistryClient.class)
    @Conditional(RegistryConfiguredCondition.class)
    HttpRegistryClient forgeRegistryClient(ForgeProperties properties) {
        try {
            return new HttpRegistryClient(ForgeClientSettings.of(properties.registryUrl(), properties.apiKey()));
        } catch (IllegalArgumentException e) {
            // Fail at startup: a typo in the URL or key would otherwise only show as failed heartbeats.
            throw new IllegalStateException("Invalid agentforge.registry-url or agentforge.api-key: "
                    + e.getMessage(), e);
        }
    }
}
