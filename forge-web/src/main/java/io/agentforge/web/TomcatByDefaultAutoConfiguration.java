package io.agentforge.web;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.servlet.ServletWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * Every Agent Forge service runs on Tomcat except the registry, which declares Jetty itself. Where both are on the
 * classpath — the registry started beside another service in that service's tests — Spring Boot would pick Jetty for
 * both (its auto-configurations are ordered by name); this keeps Tomcat for a service that doesn't choose, wired as
 * Boot's own Tomcat auto-configuration wires it.
 */
@AutoConfiguration(
        beforeName = {
            "org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration",
            "org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration"
        })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(
        name = {
            "org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory",
            "org.springframework.boot.jetty.servlet.JettyServletWebServerFactory"
        })
public class TomcatByDefaultAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ServletWebServerFactory.class)
    TomcatServletWebServerFactory tomcatServletWebServerFactory(
            ObjectProvider<TomcatConnectorCustomizer> connectorCustomizers,
            ObjectProvider<TomcatContextCustomizer> contextCustomizers,
            ObjectProvider<TomcatProtocolHandlerCustomizer<?>> protocolHandlerCustomizers) {
        var factory = new TomcatServletWebServerFactory();
        factory.getConnectorCustomizers()
                .addAll(connectorCustomizers.orderedStream().toList());
        factory.getContextCustomizers()
                .addAll(contextCustomizers.orderedStream().toList());
        factory.getProtocolHandlerCustomizers()
                .addAll(protocolHandlerCustomizers.orderedStream().toList());
        return factory;
    }
}
