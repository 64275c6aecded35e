package io.agentforge.starter;

import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerInitializedEvent;

/** Web-server events as Spring Boot publishes them once a server is listening. */
final class WebServerEvents {

    private WebServerEvents() {}

    /** @param namespace null for the application's own server, e.g. "management" for a separate one */
    static ServletWebServerInitializedEvent initialized(int port, String namespace) {
        ServletWebServerApplicationContext context = new ServletWebServerApplicationContext();
        context.setServerNamespace(namespace);
        WebServer server = new WebServer() {
            @Override
            public void start() {}

            @Override
            public void stop() {}

            @Override
            public int getPort() {
                return port;
            }
        };
        return new ServletWebServerInitializedEvent(server, context);
    }
}
