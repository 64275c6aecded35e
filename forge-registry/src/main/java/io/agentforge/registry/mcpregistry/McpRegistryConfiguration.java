package io.agentforge.registry.mcpregistry;

import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class McpRegistryConfiguration {

    /**
     * MCP Registry clients put a server name's '/' into one path segment as %2F
     * ({@code /v0.1/servers/io.agentforge.local%2Fcalculator/versions/latest}), which the servlet API refuses by
     * default as an ambiguous path. Decoded, it is a '/' in the servlet path only: controllers and security rules match
     * the request URI segment by segment (path patterns), so %2F stays inside its segment for both, and the firewall
     * still refuses a servlet path that decoding made non-normalized ({@code ..%2F}). Other ambiguous forms (an encoded
     * '.' or '%' in a segment, empty segments) stay refused.
     */
    @Bean
    WebServerFactoryCustomizer<JettyServletWebServerFactory> encodedSlashDecoding() {
        return factory -> factory.addServerCustomizers(server -> {
            for (var connector : server.getConnectors()) {
                var http = connector.getConnectionFactory(HttpConnectionFactory.class);
                if (http != null) {
                    var configuration = http.getHttpConfiguration();
                    configuration.setUriCompliance(configuration
                            .getUriCompliance()
                            .with("encoded-slash", UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR));
                }
            }
            var context = server.getDescendant(ServletContextHandler.class);
            if (context != null) {
                context.getServletHandler().setDecodeAmbiguousURIs(true);
            }
        });
    }
}
