package io.agentforge.registry.web;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.web.BodyLimitFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

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
    FilterRegistrationBean<BodyLimitFilter> requestSizeLimitFilter(WebProperties properties, JsonMapper mapper) {
        var registration = new FilterRegistrationBean<BodyLimitFilter>(
                new BodyLimitFilter(properties.maxRequestSize().toBytes()) {
                    @Override
                    protected void refuse(HttpServletRequest request, HttpServletResponse response, String detail)
                            throws IOException {
                        if (!request.getRequestURI().startsWith("/oauth2/")) {
                            super.refuse(request, response, detail);
                            return;
                        }
                        // The token endpoint speaks OAuth's error format (RFC 6749 section 5.2), not problem details.
                        response.setStatus(HttpStatus.BAD_REQUEST.value());
                        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                        response.setHeader("Cache-Control", "no-store");
                        mapper.writeValue(
                                response.getOutputStream(),
                                Map.of("error", "invalid_request", "error_description", detail));
                    }
                });
        // Before Spring Security, so an oversized body is refused without work.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /**
     * The registry runs on Jetty, not Tomcat like the other services: Tomcat copies every answer through an 8 KiB
     * buffer allocated with each connection and held while it is open, and makes one socket write per buffer-full
     * (nine for a 67 KiB service answer); Jetty hands a large cached answer with its headers to the kernel in gathering
     * writes as large as the socket takes (three for that answer, bench/socket-writes.sh), and takes buffers from a pool
     * only while a connection reads or writes, so an idle keep-alive connection (one per renewing service) holds no
     * buffer: 4 KB of heap against Tomcat's 16 KB. Measured in docs/benchmarks.md ("The registry on Jetty",
     * "Connections and the servlet container").
     */
    @Bean
    JettyServletWebServerFactory jettyServletWebServerFactory(WebProperties properties) {
        var factory = new JettyServletWebServerFactory();
        factory.addServerCustomizers(server -> {
            for (var connector : server.getConnectors()) {
                if (connector instanceof ServerConnector network) {
                    network.setAcceptQueueSize(properties.acceptQueueSize());
                }
            }
        });
        return factory;
    }

    /**
     * @param maxRequestSize    largest accepted request body
     * @param acceptQueueSize   connections waiting to be accepted (the listen backlog): when a replica dies, every
     *                          client of it connects to the others within seconds
     */
    @ConfigurationProperties("agentforge.registry.web")
    record WebProperties(DataSize maxRequestSize, Integer acceptQueueSize) {

        WebProperties {
            maxRequestSize = maxRequestSize == null ? DataSize.ofKilobytes(256) : maxRequestSize;
            acceptQueueSize = acceptQueueSize == null ? 1024 : acceptQueueSize;
        }
    }
}
