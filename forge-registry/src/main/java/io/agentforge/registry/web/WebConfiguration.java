package io.agentforge.registry.web;

import io.agentforge.registry.api.ForgeJacksonModule;
import io.agentforge.web.BodyLimitFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
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
     * Tomcat copies every answer through a per-connection write buffer and makes one socket write per buffer-full: a
     * 67 KiB service answer takes nine {@code write} calls with its default 8 KiB, two with 64 KiB. The buffer is
     * allocated with the connection and kept while it is open, idle keep-alive ones too, so it is paid per connected
     * client: 8 KiB stays the default (16 KB of heap per idle connection, measured with bench/idle-connections.sh,
     * against 74 KB with 64 KiB); a registry with few, busy connections (behind a proxy that pools them) can raise it.
     */
    @Bean
    TomcatConnectorCustomizer socketWriteBuffer(WebProperties properties) {
        return connector -> connector.setProperty(
                "socket.appWriteBufSize",
                Long.toString(properties.socketWriteBuffer().toBytes()));
    }

    /**
     * @param maxRequestSize    largest accepted request body
     * @param socketWriteBuffer Tomcat's write buffer per connection: the most one socket write sends
     */
    @ConfigurationProperties("agentforge.registry.web")
    record WebProperties(DataSize maxRequestSize, DataSize socketWriteBuffer) {

        WebProperties {
            maxRequestSize = maxRequestSize == null ? DataSize.ofKilobytes(256) : maxRequestSize;
            socketWriteBuffer = socketWriteBuffer == null ? DataSize.ofKilobytes(8) : socketWriteBuffer;
        }
    }
}
