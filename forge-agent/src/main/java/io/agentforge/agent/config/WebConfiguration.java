package io.agentforge.agent.config;

import io.agentforge.web.BodyLimitFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.type.LogicalType;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

    /** A number, a boolean or a float where the API expects text is a 400, not a quietly converted string. */
    @Bean
    JsonMapperBuilderCustomizer textIsNotCoerced() {
        return builder -> builder.withCoercionConfig(
                LogicalType.Textual,
                text -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> bodyLimitFilter(AgentProperties properties) {
        var registration = new FilterRegistrationBean<BodyLimitFilter>(
                new BodyLimitFilter(properties.maxBodySize().toBytes()) {
                    // The A2A endpoint speaks JSON-RPC: its callers get a JSON-RPC error, not a problem document.
                    @Override
                    protected void refuse(HttpServletRequest request, HttpServletResponse response, String detail)
                            throws IOException {
                        if (!"/a2a".equals(request.getRequestURI())) {
                            super.refuse(request, response, detail);
                            return;
                        }
                        response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
                        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                        response.getWriter()
                                .write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\""
                                        + detail.replace("\"", "'") + "\"}}");
                    }
                });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
