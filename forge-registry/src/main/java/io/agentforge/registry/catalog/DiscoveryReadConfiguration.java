package io.agentforge.registry.catalog;

import io.agentforge.registry.security.ApiKeyService;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
class DiscoveryReadConfiguration {

    // First of all filters: before the HTTP metrics (observation) filter and Spring Security's chain.
    @Bean
    FilterRegistrationBean<DiscoveryReadFilter> discoveryReadFilter(
            ApiKeyService keys, DiscoveryBodies bodies, RegistryView view) {
        var registration = new FilterRegistrationBean<>(new DiscoveryReadFilter(keys, bodies, view));
        registration.addUrlPatterns(DiscoveryReadFilter.SERVICES, DiscoveryReadFilter.CATALOG);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
