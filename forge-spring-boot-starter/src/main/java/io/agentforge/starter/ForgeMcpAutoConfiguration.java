package io.agentforge.starter;

import io.agentforge.web.BodyLimitFilter;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import tools.jackson.databind.json.JsonMapper;

/**
 * Serves the published functions over MCP at {@code /mcp} as well ({@link McpToolServer}), behind the same inbound
 * checks as {@code /forge/functions} (the security auto-configuration maps its filter to both), with the same body
 * limit and a {@link McpRequestGuard} in front of the SDK. Only a service that publishes functions serves it;
 * {@code agentforge.mcp.enabled=false} switches it off.
 */
@AutoConfiguration(after = ForgeFunctionsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(HttpServletStatelessServerTransport.class)
@ConditionalOnBooleanProperty(name = "agentforge.mcp.enabled", matchIfMissing = true)
@ConditionalOnBean(PublishedFunctions.class)
public class ForgeMcpAutoConfiguration {

    /** Room for the JSON-RPC envelope around arguments of the functions' size limit. */
    static final long ENVELOPE_ALLOWANCE = 8 * 1024;

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    McpToolServer forgeMcpToolServer(
            PublishedFunctions functions,
            ForgeProperties properties,
            ObjectProvider<JsonMapper> mapper,
            Environment environment) {
        String name = properties.service().name() != null
                ? properties.service().name()
                : environment.getProperty("spring.application.name", "agent-forge-tool");
        String version =
                properties.service().version() != null ? properties.service().version() : "0";
        return new McpToolServer(
                functions, ForgeFunctionsAutoConfiguration.argumentsMapper(mapper), name.strip(), version);
    }

    @Bean
    @ConditionalOnMissingBean(name = "forgeMcpServlet")
    ServletRegistrationBean<HttpServletStatelessServerTransport> forgeMcpServlet(
            McpToolServer server, PublishedFunctions functions) {
        ServletRegistrationBean<HttpServletStatelessServerTransport> registration =
                new ServletRegistrationBean<>(server.transport(), McpToolServer.PATH);
        registration.setName("forgeMcpServlet");
        registration.setAsyncSupported(true);
        registration.setEnabled(!functions.isEmpty());
        return registration;
    }

    @Bean
    @ConditionalOnMissingBean(name = "forgeMcpRequestGuard")
    FilterRegistrationBean<McpRequestGuard> forgeMcpRequestGuard(McpToolServer server, PublishedFunctions functions) {
        FilterRegistrationBean<McpRequestGuard> registration =
                new FilterRegistrationBean<>(new McpRequestGuard(McpToolServer.METHODS, server.protocolVersions()));
        registration.addUrlPatterns(McpToolServer.PATH);
        registration.setName("forgeMcpRequestGuard");
        // After the inbound key filter (HIGHEST_PRECEDENCE + 100): an unauthenticated caller's body is never parsed.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 200);
        registration.setEnabled(!functions.isEmpty());
        return registration;
    }

    @Bean
    @ConditionalOnMissingBean(name = "forgeMcpBodyLimitFilter")
    FilterRegistrationBean<BodyLimitFilter> forgeMcpBodyLimitFilter(
            ForgeProperties properties, PublishedFunctions functions) {
        FilterRegistrationBean<BodyLimitFilter> registration = new FilterRegistrationBean<>(
                mcpBodyLimit(properties.functions().maxRequestSize().toBytes()));
        registration.addUrlPatterns(McpToolServer.PATH);
        registration.setName("forgeMcpBodyLimitFilter");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        registration.setEnabled(!functions.isEmpty());
        return registration;
    }

    /** A body limit for an MCP endpoint: a declared length over it is answered with a JSON-RPC error (413). */
    public static BodyLimitFilter mcpBodyLimit(long argumentsLimit) {
        long limit = Math.min(Math.max(argumentsLimit, 1) + ENVELOPE_ALLOWANCE, Integer.MAX_VALUE - 1);
        return new BodyLimitFilter(limit) {
            @Override
            protected void refuse(HttpServletRequest request, HttpServletResponse response, String detail)
                    throws IOException {
                response.setStatus(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
                response.setContentType("application/json");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                String message = detail.replace("\\", "\\\\").replace("\"", "\\\"");
                response.getWriter()
                        .write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + McpRequestGuard.INVALID_REQUEST
                                + ",\"message\":\"" + message + "\"}}");
            }
        };
    }
}
