package io.agentforge.registry.instance;

import io.agentforge.registry.security.ApiKeyService;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class LeaseRenewalConfiguration {

    // Just before Spring Security's filter chain, after the HTTP metrics (observation) filter.
    @Bean
    FilterRegistrationBean<LeaseRenewalFilter> leaseRenewalFilter(
            ApiKeyService keys, Registrations registrations, JsonMapper mapper) {
        var registration = new FilterRegistrationBean<>(new LeaseRenewalFilter(keys, registrations, mapper));
        registration.addUrlPatterns("/api/v1/instances/*");
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER - 1);
        return registration;
    }
}
