package io.agentforge.registry.mcpregistry;

import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class McpRegistryConfiguration {

    /**
     * MCP Registry clients put a server name's '/' into one path segment as %2F
     * ({@code /v0.1/servers/io.agentforge.local%2Fcalculator/versions/latest}), which Tomcat refuses by default.
     * Decoded, it is a '/' in the servlet path only: controllers and security rules match the request URI segment by
     * segment (path patterns), so %2F stays inside its segment for both, and the firewall still refuses a servlet
     * path that decoding made non-normalized ({@code ..%2F}).
     */
    @Bean
    TomcatConnectorCustomizer encodedSlashDecoding() {
        return connector -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.DECODE.getValue());
    }
}
