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
    FilterRegistrationBean<DiscoveryReadFilter> discoveryReadFilter(ApiKeyService keys, DiscoveryBodies bodies) {
        var registration = new FilterRegistrationBean<>(new DiscoveryReadFilter(keys, bodies));
        registration.addUrlPatterns("/api/v1/services");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
