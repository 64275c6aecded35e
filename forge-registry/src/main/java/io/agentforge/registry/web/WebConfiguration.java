package io.agentforge.registry.web;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.web.BodyLimitFilter;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.util.unit.DataSize;

import java.time.Clock;

/** Clock, JSON mapping of the wire contract, and request limits. */
@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ForgeJacksonModule forgeJacksonModule() {
        return new ForgeJacksonModule();
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> requestSizeLimitFilter(WebProperties properties) {
        var registration = new FilterRegistrationBean<>(new BodyLimitFilter(properties.maxRequestSize().toBytes()));
        // Before Spring Security, so an oversized body is refused without work.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** @param maxRequestSize largest accepted request body */
    @ConfigurationProperties("agentforge.registry.web")
    record WebProperties(DataSize maxRequestSize) {

        WebProperties {
            maxRequestSize = maxRequestSize == null ? DataSize.ofKilobytes(256) : maxRequestSize;
        }
    }
}
