package io.agentforge.console.config;

import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The console's clock and the servlet-level request checks that run before Spring Security. The registry client,
 * token exchanger, discovery cache, function invoker and outbound policy come from forge-spring-boot-starter.
 */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    FilterRegistrationBean<MalformedParametersFilter> malformedParametersFilter() {
        FilterRegistrationBean<MalformedParametersFilter> registration =
                new FilterRegistrationBean<>(new MalformedParametersFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
