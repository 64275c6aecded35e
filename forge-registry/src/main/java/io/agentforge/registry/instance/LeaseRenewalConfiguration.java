package io.agentforge.registry.instance;

import io.agentforge.registry.security.ApiKeyService;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class LeaseRenewalConfiguration {

    // First of all filters: before the HTTP metrics (observation) filter and Spring Security's chain.
    @Bean
    FilterRegistrationBean<LeaseRenewalFilter> leaseRenewalFilter(
            ApiKeyService keys, Registrations registrations, JsonMapper mapper) {
        var registration = new FilterRegistrationBean<>(new LeaseRenewalFilter(keys, registrations, mapper));
        registration.addUrlPatterns("/api/v1/instances/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
