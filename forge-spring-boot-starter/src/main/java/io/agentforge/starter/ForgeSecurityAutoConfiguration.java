package io.agentforge.starter;

import io.agentforge.client.KeyIntrospector;
import io.agentforge.client.RegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.time.Clock;

/**
 * Inbound API-key checks on {@code /forge/functions/**}: a {@link KeyIntrospector} asking the registry, an
 * {@link ApiKeyVerifier} and the servlet filter. {@code agentforge.security.enabled=false} switches the checks off.
 */
@AutoConfiguration(after = ForgeClientAutoConfiguration.class)
public class ForgeSecurityAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ForgeSecurityAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(RegistryClient.class)
    KeyIntrospector forgeKeyIntrospector(RegistryClient client, ObjectProvider<Clock> clock) {
        return new KeyIntrospector(client, clock.getIfAvailable(Clock::systemUTC));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnBooleanProperty(name = "agentforge.security.enabled", matchIfMissing = true)
    static class InboundKeyChecks {

        @Bean
        @ConditionalOnMissingBean
        ApiKeyVerifier forgeApiKeyVerifier(ObjectProvider<KeyIntrospector> introspector) {
            KeyIntrospector available = introspector.getIfAvailable();
            if (available == null) {
                log.warn("Inbound API-key checks are on but agentforge.registry-url or agentforge.api-key is not"
                        + " set: every call to /forge/functions will be refused with 503");
                return ApiKeyVerifier.unconfigured();
            }
            return ApiKeyVerifier.of(available);
        }

        @Bean
        @ConditionalOnMissingBean(name = "forgeInboundKeyFilter")
        FilterRegistrationBean<InboundKeyFilter> forgeInboundKeyFilter(ApiKeyVerifier verifier) {
            FilterRegistrationBean<InboundKeyFilter> registration =
                    new FilterRegistrationBean<>(new InboundKeyFilter(verifier));
            registration.addUrlPatterns(FunctionInvocationController.PATH, FunctionInvocationController.PATH + "/*");
            registration.setName("forgeInboundKeyFilter");
            // After the observation and encoding filters, before anything that reads the body.
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
            return registration;
        }
    }
}
