package io.agentforge.web;

import io.micrometer.observation.ObservationPredicate;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Errors the servlet container reports itself, before the application sees the request, as problem details too
 * (Tomcat or Jetty, whichever the app runs on); health probes and metric scrapes are not observed (they would fill the
 * traces with noise every few seconds).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class ForgeWebAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(name = "forgeSkipOperationsObservations")
    ObservationPredicate forgeSkipOperationsObservations() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && server.getCarrier() != null
                && server.getCarrier().getRequestURI().startsWith("/actuator/"));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({TomcatServletWebServerFactory.class, ErrorReportValve.class})
    static class TomcatProblems {

        @Bean
        @ConditionalOnMissingBean(name = "forgeProblemErrorReports")
        WebServerFactoryCustomizer<TomcatServletWebServerFactory> forgeProblemErrorReports() {
            return factory -> factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                }
            });
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({JettyServletWebServerFactory.class, ErrorHandler.class})
    static class JettyProblems {

        @Bean
        @ConditionalOnMissingBean(name = "forgeJettyProblemErrors")
        WebServerFactoryCustomizer<JettyServletWebServerFactory> forgeJettyProblemErrors() {
            return factory ->
                    factory.addServerCustomizers(server -> server.setErrorHandler(new ProblemJettyErrorHandler()));
        }
    }
}
