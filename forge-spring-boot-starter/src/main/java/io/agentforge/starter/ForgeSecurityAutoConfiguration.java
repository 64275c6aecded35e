package io.agentforge.starter;

import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.KeyIntrospector;
import io.agentforge.client.RegistryClient;
import java.time.Clock;
import java.util.stream.Collectors;
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
import org.springframework.core.env.Environment;

/**
 * Inbound checks on {@code /forge/functions/**} and {@code /mcp}: a {@link ForgeTokenVerifier} against the registry's JWKS, the
 * (opt-in) API-key path through a {@link KeyIntrospector}, and the servlet filter on the functions (served only with
 * Spring AI present); the {@link RevokedKeys} that {@link ForgeClientAutoConfiguration}'s revocation follower fills.
 * {@code agentforge.security.enabled=false} switches the inbound checks off.
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

    @Bean
    @ConditionalOnMissingBean
    RevokedKeys forgeRevokedKeys() {
        return new RevokedKeys();
    }

    /**
     * The verifier of registry-issued tokens for this service, in every servlet application with a registry (also
     * with {@code agentforge.security.enabled=false}, which only removes the filter on the functions): services with
     * endpoints of their own (e.g. the agent's chat API) check their callers' tokens with the same bean.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    static class TokenVerification {

        @Bean
        @ConditionalOnMissingBean
        ForgeTokenVerifier forgeTokenVerifier(
                ForgeProperties properties, RevokedKeys revoked, Environment environment, ObjectProvider<Clock> clock) {
            boolean checksOn = environment.getProperty("agentforge.security.enabled", Boolean.class, true);
            if (properties.registryUrl() == null && properties.security().jwksUri() == null) {
                if (checksOn) {
                    log.warn("Inbound token checks are on but agentforge.registry-url is not set: every call to"
                            + " /forge/functions will be refused with 503");
                }
                return null;
            }
            String name = properties.service().name() != null
                    ? properties.service().name()
                    : environment.getProperty("spring.application.name");
            if (name == null || name.isBlank()) {
                if (!checksOn) {
                    return null;
                }
                throw new IllegalStateException("Set agentforge.service.name (or spring.application.name): tokens are"
                        + " checked to be for this service's name");
            }
            String jwks = properties.security().jwksUri() != null
                    ? properties.security().jwksUri()
                    : ForgeClientSettings.parseUrls(properties.registryUrl()).stream()
                            .map(url -> url + ForgeTokenVerifier.JWKS_PATH)
                            .collect(Collectors.joining(","));
            return new ForgeTokenVerifier(
                    jwks,
                    name.strip(),
                    properties.security().tokenIssuer(),
                    revoked,
                    clock.getIfAvailable(Clock::systemUTC));
        }
    }

    /**
     * Guards the functions endpoint and {@code /mcp} (a tool's own, or one an application such as the gateway serves
     * itself) in every servlet application on the starter, with or without Spring AI: a path that exists is never
     * open because a class happened to be missing, and one that doesn't exist answers 401 instead of 404.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnBooleanProperty(name = "agentforge.security.enabled", matchIfMissing = true)
    static class InboundKeyChecks {

        @Bean
        @ConditionalOnMissingBean
        ApiKeyVerifier forgeApiKeyVerifier(ObjectProvider<KeyIntrospector> introspector, ForgeProperties properties) {
            KeyIntrospector available = introspector.getIfAvailable();
            if (available == null) {
                if (properties.security().acceptApiKeys()) {
                    log.warn("agentforge.security.accept-api-keys is on but agentforge.registry-url or"
                            + " agentforge.api-key is not set: calls with API keys will be refused with 503");
                }
                return ApiKeyVerifier.unconfigured();
            }
            return ApiKeyVerifier.of(available);
        }

        @Bean
        @ConditionalOnMissingBean(name = "forgeInboundKeyFilter")
        FilterRegistrationBean<InboundKeyFilter> forgeInboundKeyFilter(
                ObjectProvider<ForgeTokenVerifier> tokens,
                ApiKeyVerifier keys,
                RevokedKeys revoked,
                ForgeProperties properties) {
            FilterRegistrationBean<InboundKeyFilter> registration = new FilterRegistrationBean<>(new InboundKeyFilter(
                    tokens.getIfAvailable(), keys, properties.security().acceptApiKeys(), revoked));
            // The functions and their MCP face: one check for both ways in.
            registration.addUrlPatterns(
                    FunctionInvocationController.PATH, FunctionInvocationController.PATH + "/*", McpToolServer.PATH);
            registration.setName("forgeInboundKeyFilter");
            // After the observation and encoding filters, before anything that reads the body.
            registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
            return registration;
        }
    }
}
