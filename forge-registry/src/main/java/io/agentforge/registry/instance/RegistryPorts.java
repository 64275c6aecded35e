package io.agentforge.registry.instance;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * The ports this registry listens on (its server and, when separate, its management server), as bound — also when
 * configured as 0 — so the endpoint policy can refuse endpoints that point back at the registry.
 */
public final class RegistryPorts implements ApplicationListener<WebServerInitializedEvent> {

    private final Set<Integer> ports = ConcurrentHashMap.newKeySet();

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        ports.add(event.getWebServer().getPort());
    }

    public boolean contains(int port) {
        return ports.contains(port);
    }
}
