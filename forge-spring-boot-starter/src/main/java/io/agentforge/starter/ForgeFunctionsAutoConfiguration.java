package io.agentforge.starter;

import io.agentforge.registry.api.ServiceKind;
import io.agentforge.web.BodyLimitFilter;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes the application's Spring AI {@code @Tool} methods (for a {@code TOOL} service) and serves them at
 * {@code POST /forge/functions/{name}}; documents each one in the OpenAPI document when springdoc is present. Only
 * with Spring AI on the class path (an optional dependency of the starter): a service that only calls the registry,
 * like the console, does without it.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = ForgeFunctionsAutoConfiguration.TOOL_ANNOTATION)
@EnableConfigurationProperties(ForgeProperties.class)
public class ForgeFunctionsAutoConfiguration {

    static final String TOOL_ANNOTATION = "org.springframework.ai.tool.annotation.Tool";

    @Bean
    @ConditionalOnMissingBean
    PublishedFunctions forgePublishedFunctions(
            ConfigurableListableBeanFactory beans, ForgeProperties properties, ObjectProvider<JsonMapper> mapper) {
        // The registry lets only tools offer functions; an agent's own @Tool methods stay private to it.
        if (properties.service().kind() != ServiceKind.TOOL) {
            return PublishedFunctions.none();
        }
        return PublishedFunctions.scan(beans, argumentsMapper(mapper));
    }

    @Bean
    @ConditionalOnMissingBean
    FunctionInvocationController forgeFunctionInvocationController(
            PublishedFunctions functions,
            ForgeProperties properties,
            ObjectProvider<JsonMapper> mapper,
            ObjectProvider<ObservationRegistry> observations) {
        return new FunctionInvocationController(
                functions, argumentsMapper(mapper), observations.getIfAvailable(() -> ObservationRegistry.NOOP));
    }

    /** Caps the arguments at {@code agentforge.functions.max-request-size}, before the caller is authenticated. */
    @Bean
    @ConditionalOnMissingBean(name = "forgeFunctionsBodyLimitFilter")
    FilterRegistrationBean<BodyLimitFilter> forgeFunctionsBodyLimitFilter(ForgeProperties properties) {
        long limit = Math.min(Math.max(properties.functions().maxRequestSize().toBytes(), 1), Integer.MAX_VALUE - 1);
        FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(new BodyLimitFilter(limit) {
            @Override
            protected void refuse(HttpServletRequest request, HttpServletResponse response, String detail)
                    throws IOException {
                ForgeProblems.write(
                        response,
                        FunctionInvocationController.tooLarge(request.getContentLengthLong() + " bytes", limit));
            }
        });
        registration.addUrlPatterns(FunctionInvocationController.PATH + "/*");
        registration.setName("forgeFunctionsBodyLimitFilter");
        // Before the inbound key filter (HIGHEST_PRECEDENCE + 100), so an oversized body costs no token check.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    /** The application's mapper, reading floats as exact decimals and refusing duplicate keys. */
    static JsonMapper argumentsMapper(ObjectProvider<JsonMapper> mapper) {
        return mapper.getIfAvailable(JsonMapper::new)
                .rebuild()
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(OpenApiCustomizer.class)
    static class OpenApiDocumentation {

        @Bean
        @ConditionalOnMissingBean(name = "forgeFunctionsOpenApiCustomizer")
        OpenApiCustomizer forgeFunctionsOpenApiCustomizer(PublishedFunctions functions, ForgeProperties properties) {
            return new FunctionsOpenApiCustomizer(
                    functions,
                    properties.security().enabled(),
                    properties.functions().maxRequestSize().toBytes());
        }
    }
}
