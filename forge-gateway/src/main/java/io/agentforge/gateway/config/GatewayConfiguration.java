package io.agentforge.gateway.config;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.gateway.mcp.CatalogMcpServer;
import io.agentforge.gateway.mcp.CatalogSyncFilter;
import io.agentforge.starter.ForgeMcpAutoConfiguration;
import io.agentforge.starter.ForgeProperties;
import io.agentforge.starter.McpRequestGuard;
import io.agentforge.starter.McpToolServer;
import io.agentforge.web.BodyLimitFilter;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The gateway's MCP endpoint: the catalog server at {@code /mcp} behind, in order, a body limit, the starter's
 * inbound key filter (mapped to {@code /mcp} by the starter; HIGHEST_PRECEDENCE + 100), the request guard and the
 * catalog sync.
 */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    CatalogMcpServer catalogMcpServer(
            ObjectProvider<DiscoveryCache> discovery,
            ObjectProvider<FunctionInvoker> invoker,
            ForgeProperties properties) {
        // The starter's client auto-configuration makes both, only when the registry settings are there.
        DiscoveryCache cache = discovery.getIfAvailable();
        FunctionInvoker calls = invoker.getIfAvailable();
        if (cache == null || calls == null) {
            throw new IllegalStateException("The gateway serves the registry's catalog: set AGENTFORGE_REGISTRY_URL"
                    + " (agentforge.registry-url) and AGENTFORGE_API_KEY (agentforge.api-key) to a service key scoped"
                    + " to the gateway's name");
        }
        String version =
                properties.service().version() != null ? properties.service().version() : "0";
        return new CatalogMcpServer(cache, calls, version);
    }

    @Bean
    ServletRegistrationBean<HttpServletStatelessServerTransport> gatewayMcpServlet(CatalogMcpServer server) {
        ServletRegistrationBean<HttpServletStatelessServerTransport> registration =
                new ServletRegistrationBean<>(server.transport(), McpToolServer.PATH);
        registration.setName("gatewayMcpServlet");
        registration.setAsyncSupported(true);
        return registration;
    }

    @Bean
    FilterRegistrationBean<BodyLimitFilter> gatewayMcpBodyLimitFilter(ForgeProperties properties) {
        FilterRegistrationBean<BodyLimitFilter> registration =
                new FilterRegistrationBean<>(ForgeMcpAutoConfiguration.mcpBodyLimit(
                        properties.functions().maxRequestSize().toBytes()));
        registration.addUrlPatterns(McpToolServer.PATH);
        registration.setName("gatewayMcpBodyLimitFilter");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    @Bean
    FilterRegistrationBean<McpRequestGuard> gatewayMcpRequestGuard(CatalogMcpServer server) {
        FilterRegistrationBean<McpRequestGuard> registration =
                new FilterRegistrationBean<>(new McpRequestGuard(McpToolServer.METHODS, server.protocolVersions()));
        registration.addUrlPatterns(McpToolServer.PATH);
        registration.setName("gatewayMcpRequestGuard");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 200);
        return registration;
    }

    @Bean
    FilterRegistrationBean<CatalogSyncFilter> gatewayCatalogSyncFilter(CatalogMcpServer server) {
        FilterRegistrationBean<CatalogSyncFilter> registration =
                new FilterRegistrationBean<>(new CatalogSyncFilter(server));
        registration.addUrlPatterns(McpToolServer.PATH);
        registration.setName("gatewayCatalogSyncFilter");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 300);
        return registration;
    }
}
