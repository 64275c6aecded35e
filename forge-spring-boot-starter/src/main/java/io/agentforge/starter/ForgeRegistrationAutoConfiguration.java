package io.agentforge.starter;

import io.agentforge.client.RegistryClient;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Self-registration with the registry while the application runs; {@code agentforge.enabled=false} switches it
 * off, and it stays off without {@code agentforge.registry-url} and {@code agentforge.api-key}.
 */
@AutoConfiguration(after = {ForgeClientAutoConfiguration.class, ForgeFunctionsAutoConfiguration.class})
@ConditionalOnBooleanProperty(name = "agentforge.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ForgeProperties.class)
public class ForgeRegistrationAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ForgeRegistrationAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RegistryClient.class)
    ForgeServiceRegistrar forgeServiceRegistrar(
            RegistryClient client,
            ForgeProperties properties,
            ObjectProvider<PublishedFunctions> functions,
            Environment environment,
            ObjectProvider<Clock> clock) {
        return new ForgeServiceRegistrar(
                client,
                properties,
                functions.getIfAvailable(PublishedFunctions::none),
                environment,
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    @ConditionalOnMissingBean(RegistryClient.class)
    RegistrationSkipped forgeRegistrationSkipped(ForgeProperties properties) {
        return new RegistrationSkipped(properties);
    }

    /** Says once, when the application is ready, why it did not register. */
    static final class RegistrationSkipped implements ApplicationListener<ApplicationReadyEvent> {

        private final ForgeProperties properties;

        RegistrationSkipped(ForgeProperties properties) {
            this.properties = properties;
        }

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            if (properties.registryUrl() == null) {
                log.info("Not registering with a registry: agentforge.registry-url (AGENTFORGE_REGISTRY_URL) is not"
                        + " set");
            } else {
                log.warn(
                        "Not registering with the registry at {}: agentforge.api-key (AGENTFORGE_API_KEY) is not"
                                + " set",
                        properties.registryUrl());
            }
        }
    }
}
