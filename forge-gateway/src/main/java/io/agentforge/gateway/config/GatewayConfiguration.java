package io.agentforge.gateway.config;

import io.agentforge.client.DiscoveryCache;
import io.agentforge.client.FunctionInvoker;
import io.agentforge.gateway.mcp.CallerScope;
import io.agentforge.gateway.mcp.CallerScopes;
import io.agentforge.gateway.mcp.CatalogMcpServer;
import io.agentforge.gateway.mcp.CatalogSyncFilter;
import io.agentforge.gateway.mcp.ToolListChangedStreams;
import io.agentforge.starter.ApiKeyVerifier;
import io.agentforge.starter.ForgeMcpAutoConfiguration;
import io.agentforge.starter.ForgeProperties;
import io.agentforge.starter.McpRequestGuard;
import io.agentforge.starter.McpToolServer;
import io.agentforge.web.BodyLimitFilter;
import io.modelcontextprotocol.server.transport.HttpServletStatelessServerTransport;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

/**
 * The gateway's MCP endpoint: the catalog server at {@code /mcp} behind, in order, a body limit, the starter's
 * inbound key filter (mapped to {@code /mcp} by the starter; HIGHEST_PRECEDENCE + 100), the notification streams
 * (GET), the request guard and the catalog sync (POST).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GatewayProperties.class)
class GatewayConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    CallerScopes callerScopes(ObjectProvider<ApiKeyVerifier> keys) {
        // No verifier with agentforge.security.enabled=false: then no request has a verified caller to scope.
        return new CallerScopes(keys.getIfAvailable(ApiKeyVerifier::unconfigured));
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
        return new CatalogMcpServer(cache, calls, version, CallerScope::of);
    }

    @Bean(destroyMethod = "close")
    ToolListChangedStreams toolListChangedStreams(
            CatalogMcpServer server, CallerScopes scopes, GatewayProperties properties) {
        return new ToolListChangedStreams(
                server,
                scopes::of,
                new ToolListChangedStreams.Settings(
                        properties.listChangedInterval(),
                        properties.keepAlive(),
                        properties.maxStreams(),
                        properties.maxStreamsPerCaller()));
    }

    /**
     * Ends the notification streams as soon as shutdown begins: open streams would otherwise hold the web server's
     * graceful shutdown for its whole timeout. Clients keep listing; their next list goes to a live replica.
     */
    @Bean
    ApplicationListener<ContextClosedEvent> gatewayMcpStreamsShutdown(ToolListChangedStreams streams) {
        return event -> streams.close();
    }

    @Bean
    FilterRegistrationBean<ToolListChangedStreams> gatewayMcpStreamFilter(ToolListChangedStreams streams) {
        FilterRegistrationBean<ToolListChangedStreams> registration = new FilterRegistrationBean<>(streams);
        registration.addUrlPatterns(McpToolServer.PATH);
        registration.setName("gatewayMcpStreamFilter");
        registration.setAsyncSupported(true);
        // After the inbound key filter (+100), before the request guard, which answers GET with 405.
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 150);
        return registration;
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
    FilterRegistrationBean<CatalogSyncFilter> gatewayCatalogSyncFilter(CatalogMcpServer server, CallerScopes scopes) {
        FilterRegistrationBean<CatalogSyncFilter> registration =
                new FilterRegistrationBean<>(new CatalogSyncFilter(server, scopes));
        registration.addUrlPatterns(McpToolServer.PATH);
        registration.setName("gatewayCatalogSyncFilter");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 300);
        return registration;
    }
}
