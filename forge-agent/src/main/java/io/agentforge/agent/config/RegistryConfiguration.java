package io.agentforge.agent.config;

import io.agentforge.agent.tooling.RegistryToolCallbackProvider;
import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.ForgeClientSettings;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.client.HttpRegistryClient;
import io.agentforge.client.KeyIntrospector;
import io.agentforge.client.LeaseKeeper;
import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The agent's side of the registry: discovery cache, tool invocation, key checks, and its own registration. */
@Configuration(proxyBeanMethods = false)
class RegistryConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RegistryConfiguration.class);

    @Bean(destroyMethod = "close")
    HttpRegistryClient registryClient(ForgeConnectionProperties properties) {
        if (properties.apiKey() == null || properties.apiKey().isBlank()) {
            throw new IllegalStateException("The agent needs its own service key to discover and call tools: set "
                    + "AGENTFORGE_API_KEY (agentforge.api-key) to a registry API key with the 'service' role");
        }
        return new HttpRegistryClient(new ForgeClientSettings(URI.create(properties.registryUrl()), properties.apiKey(),
                ForgeClientSettings.DEFAULT_CONNECT_TIMEOUT, ForgeClientSettings.DEFAULT_REQUEST_TIMEOUT));
    }

    @Bean(destroyMethod = "close")
    DiscoveryCache discoveryCache(HttpRegistryClient client, Clock clock) {
        return new DiscoveryCache(client, clock).start();
    }

    @Bean(destroyMethod = "close")
    FunctionInvoker functionInvoker(DiscoveryCache discovery, Clock clock) {
        return new FunctionInvoker(discovery, clock);
    }

    @Bean
    KeyIntrospector keyIntrospector(HttpRegistryClient client, Clock clock) {
        return new KeyIntrospector(client, clock);
    }

    @Bean
    RegistryToolCallbackProvider registryToolCallbackProvider(DiscoveryCache discovery, FunctionInvoker invoker,
                                                              ForgeConnectionProperties properties) {
        return new RegistryToolCallbackProvider(discovery, invoker, properties.apiKey(), ForgeJacksonModule.mapper());
    }

    /** Registers the agent once it serves requests; the keeper renews and deregisters on shutdown. */
    @Bean
    AgentRegistration agentRegistration(HttpRegistryClient client, ForgeConnectionProperties properties, Clock clock,
                                        Environment environment) {
        return new AgentRegistration(client, properties, clock, environment);
    }

    static final class AgentRegistration implements ApplicationListener<ApplicationReadyEvent>, AutoCloseable {

        private final HttpRegistryClient client;
        private final ForgeConnectionProperties properties;
        private final Clock clock;
        private final Environment environment;
        private volatile LeaseKeeper keeper;

        AgentRegistration(HttpRegistryClient client, ForgeConnectionProperties properties, Clock clock,
                          Environment environment) {
            this.client = client;
            this.properties = properties;
            this.clock = clock;
            this.environment = environment;
        }

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            if (!properties.register()) {
                log.info("Not registering with the registry (agentforge.register=false)");
                return;
            }
            String endpoint = endpoint();
            ServiceRegistration registration = new ServiceRegistration(
                    properties.serviceName() + "-" + UUID.randomUUID().toString().substring(0, 8),
                    properties.serviceName(), ServiceKind.AGENT, "0.1.0",
                    "Chat agent with registry-backed tool calling", endpoint, List.of("chat", "tool-calling"),
                    Map.of("chat", endpoint + "/api/v1/chat", "stream", endpoint + "/api/v1/chat/stream"),
                    List.of(), new HealthCheck("/actuator/health/readiness", Duration.ofSeconds(10)),
                    properties.leaseDuration());
            keeper = new LeaseKeeper(client, registration, clock);
            keeper.start();
            log.info("Registering as {} at {}", registration.instanceId(), endpoint);
        }

        private String endpoint() {
            if (properties.endpoint() != null && !properties.endpoint().isBlank()) {
                return properties.endpoint();
            }
            String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8082"));
            String address = environment.getProperty("server.address");
            String host = address != null && !address.isBlank() && !address.equals("0.0.0.0") ? address : localHost();
            return "http://" + host + ":" + port;
        }

        private static String localHost() {
            try {
                return InetAddress.getLocalHost().getHostAddress();
            } catch (UnknownHostException e) {
                return "127.0.0.1";
            }
        }

        @Override
        public void close() {
            if (keeper != null) {
                keeper.close();
            }
        }
    }
}
