package io.agentforge.starter;

import io.agentforge.client.AccessTokens;
import io.agentforge.client.Backoff;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.InvokerSettings;
import io.agentforge.client.KeyIntrospector;
import io.agentforge.client.OutboundPolicy;
import io.agentforge.client.RegistryClient;
import io.agentforge.client.RevocationFollower;
import io.agentforge.client.TokenExchanger;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * Everything a caller of the registry and of tools needs, with or without registering itself: the registry client
 * and the token exchanger (when {@code agentforge.registry-url} and {@code agentforge.api-key} are set), the
 * discovery cache and the function invoker on top of them, the follower of key revocations, and the outbound
 * endpoint policy ({@code agentforge.outbound.*}) always. Registration is {@link ForgeRegistrationAutoConfiguration}.
 *
 * <p>The beans that need the registry client are declared after it in this class, so their
 * {@code @ConditionalOnBean} sees it (or an application's own).
 */
@AutoConfiguration
@EnableConfigurationProperties(ForgeProperties.class)
public class ForgeClientAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ForgeClientAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(RegistryClient.class)
    @Conditional(RegistryConfiguredCondition.class)
    HttpRegistryClient forgeRegistryClient(
            ForgeProperties properties, ObjectProvider<ObservationRegistry> observations, Environment environment) {
        // A share of lease renewals traced (docs/observability.md); the rest go out "not sampled".
        double renewalSampling = environment.getProperty(
                "agentforge.tracing.renewal-sampling", Double.class, HttpRegistryClient.DEFAULT_RENEWAL_SAMPLING);
        if (!(renewalSampling >= 0 && renewalSampling <= 1)) {
            throw new IllegalStateException(
                    "agentforge.tracing.renewal-sampling must be between 0 and 1, was " + renewalSampling);
        }
        return new HttpRegistryClient(
                settings(properties), observations.getIfAvailable(() -> ObservationRegistry.NOOP), renewalSampling);
    }

    /** Tools and agents get a token for their own name, exchanged at the registry; never this service's key. */
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

    /** How tools are called ({@code agentforge.invoker.*}); made eagerly, so a bad value fails at startup. */
    @Bean
    @ConditionalOnMissingBean
    InvokerSettings forgeInvokerSettings(ForgeProperties properties) {
        try {
            return properties.invoker().settings();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Invalid agentforge.invoker.*: " + e.getMessage(), e);
        }
    }

    /**
     * The catalog, followed on the change feed. Lazy: made on first use, so a service that never calls tools (a
     * plain tool) opens no feed subscription.
     */
    @Lazy
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(RegistryClient.class)
    DiscoveryCache forgeDiscoveryCache(RegistryClient client, ForgeProperties properties, ObjectProvider<Clock> clock) {
        return new DiscoveryCache(
                        client,
                        Backoff.DEFAULT,
                        properties.discovery().idleTimeout(),
                        clock.getIfAvailable(Clock::systemUTC))
                .start();
    }

    /** Calls the catalog's functions on healthy instances, with a token for the tool's own name. */
    @Lazy
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean({DiscoveryCache.class, AccessTokens.class})
    FunctionInvoker forgeFunctionInvoker(
            DiscoveryCache discovery,
            InvokerSettings settings,
            AccessTokens tokens,
            OutboundPolicy policy,
            ObjectProvider<Clock> clock,
            ObjectProvider<ObservationRegistry> observations) {
        return new FunctionInvoker(
                discovery,
                settings,
                tokens,
                policy,
                clock.getIfAvailable(Clock::systemUTC),
                observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /**
     * Follows {@code key-revoked} on the change feed: tokens naming the key are refused at once (the starter's
     * {@link RevokedKeys}), and the introspector and the token exchanger forget what derives from it.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(RegistryClient.class)
    RevocationFollower forgeRevocationFollower(
            RegistryClient client,
            ObjectProvider<RevokedKeys> revoked,
            ObjectProvider<KeyIntrospector> introspector,
            ObjectProvider<TokenExchanger> tokens) {
        return new RevocationFollower(
                        client,
                        keyId -> {
                            revoked.ifAvailable(r -> r.add(keyId));
                            introspector.ifAvailable(i -> i.forget(keyId));
                            tokens.ifAvailable(t -> t.forget(keyId));
                            log.info("Key {} was revoked: tokens naming it are refused from now on", keyId);
                        },
                        Backoff.DEFAULT)
                .start();
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
