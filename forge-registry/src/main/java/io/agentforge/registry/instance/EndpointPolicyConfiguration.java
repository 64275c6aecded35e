package io.agentforge.registry.instance;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one endpoint policy of registrations and health probes. */
@Configuration(proxyBeanMethods = false)
class EndpointPolicyConfiguration {

    @Bean
    RegistryPorts registryPorts() {
        return new RegistryPorts();
    }

    @Bean
    EndpointPolicy endpointPolicy(InstanceProperties properties, RegistryPorts ports) {
        return new EndpointPolicy(
                properties.allowLinkLocalEndpoints(), properties.allowLoopbackEndpoints(), ports::contains);
    }
}
