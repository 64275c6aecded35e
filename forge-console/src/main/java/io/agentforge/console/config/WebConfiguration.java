package io.agentforge.console.config;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Servlet-level request checks that run before Spring Security. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    FilterRegistrationBean<MalformedParametersFilter> malformedParametersFilter() {
        FilterRegistrationBean<MalformedParametersFilter> registration =
                new FilterRegistrationBean<>(new MalformedParametersFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
