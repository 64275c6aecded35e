package io.agentforge.starter;

import io.agentforge.client.LeaseKeeper;
import io.agentforge.client.LeaseState;
import io.agentforge.client.RegistryClient;
import io.agentforge.registry.api.HealthCheck;
import io.agentforge.registry.api.InvalidFieldException;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * Registers this service with the registry once the application is ready, keeps its lease renewed in the background
 * (a {@link LeaseKeeper}), and deregisters it when the application shuts down, before the web server stops taking
 * requests.
 *
 * <p>The advertised endpoint is {@code agentforge.service.endpoint} when set, else
 * {@code http(s)://<host>:<bound port><context path>} with the host from {@code server.address} (unless it is a
 * wildcard) or this machine's address.
 */
public class ForgeServiceRegistrar implements SmartLifecycle, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ForgeServiceRegistrar.class);
    private static final String PLACEHOLDER_ENDPOINT = "http://localhost";

    private final RegistryClient client;
    private final ServiceRegistration template;
    private final String configuredEndpoint;
    private final Environment environment;
    private final Clock clock;
    private volatile int port = -1;
    private volatile LeaseKeeper keeper;
    private volatile boolean running;
    private boolean closed;

    /**
     * @throws IllegalStateException when the {@code agentforge.service.*} settings can't make a valid registration,
     *                               so a misconfigured service fails at startup rather than at its first heartbeat
     */
    public ForgeServiceRegistrar(
            RegistryClient client,
            ForgeProperties properties,
            PublishedFunctions functions,
            Environment environment,
            Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.configuredEndpoint = properties.service().endpoint();
        this.template = registration(properties, functions, environment);
    }

    private static ServiceRegistration registration(
            ForgeProperties properties, PublishedFunctions functions, Environment environment) {
        ForgeProperties.Service service = properties.service();
        String name = service.name() != null ? service.name() : environment.getProperty("spring.application.name");
        if (name == null || name.isBlank()) {
            throw new IllegalStateException("Set agentforge.service.name (or spring.application.name): the registry"
                    + " needs a service name such as 'calculator'");
        }
        try {
            return new ServiceRegistration(
                    service.instanceId(),
                    name,
                    service.kind(),
                    service.version(),
                    service.description(),
                    service.endpoint() != null ? service.endpoint() : PLACEHOLDER_ENDPOINT,
                    service.capabilities(),
                    service.metadata(),
                    service.kind() == ServiceKind.TOOL ? functions.descriptors() : List.of(),
                    new HealthCheck(
                            service.healthCheck().path(), service.healthCheck().interval()),
                    properties.leaseDuration());
        } catch (InvalidFieldException e) {
            String reason = e.getMessage().substring(e.field().length() + 2);
            throw new IllegalStateException("Invalid " + property(e.field()) + ": " + reason, e);
        }
    }

    /** The setting behind a field of the registration, so the message points at what to fix. */
    static String property(String field) {
        if (field.equals("leaseDuration")) {
            return "agentforge.lease-duration";
        }
        if (field.startsWith("functions")) {
            return "@Tool " + field;
        }
        String kebab = field.replace("healthCheck", "health-check").replace("instanceId", "instance-id");
        return "agentforge.service." + kebab;
    }

    @EventListener
    void onWebServerInitialized(WebServerInitializedEvent event) {
        // A management server on its own port has a namespace; the application's server has none.
        if (event.getApplicationContext().getServerNamespace() == null) {
            port = event.getWebServer().getPort();
        }
    }

    @EventListener
    void onApplicationReady(ApplicationReadyEvent event) {
        register();
    }

    /** Starts registering (in the background) unless already started or shut down; called when the app is ready. */
    public synchronized void register() {
        if (keeper != null || closed) {
            return;
        }
        String endpoint = configuredEndpoint != null ? configuredEndpoint : defaultEndpoint();
        if (endpoint == null) {
            log.warn(
                    "Not registering {}: no web server port is known and agentforge.service.endpoint is not set",
                    template.name());
            return;
        }
        ServiceRegistration registration;
        try {
            registration = new ServiceRegistration(
                    template.instanceId(),
                    template.name(),
                    template.kind(),
                    template.version(),
                    template.description(),
                    endpoint,
                    template.capabilities(),
                    template.metadata(),
                    template.functions(),
                    template.healthCheck(),
                    template.leaseDuration());
        } catch (InvalidFieldException e) {
            log.error("Not registering {}: the advertised endpoint is invalid: {}", template.name(), e.getMessage());
            return;
        }
        log.info(
                "Registering {} at {} with {} function(s)",
                registration.name(),
                registration.endpoint(),
                registration.functions().size());
        keeper = new LeaseKeeper(client, registration, clock).start();
    }

    /** What the lease keeper knows; empty before registration started. */
    public Optional<LeaseState> state() {
        LeaseKeeper current = keeper;
        return current == null ? Optional.empty() : Optional.of(current.state());
    }

    /** The registration as sent (with the instance id the registry assigned); empty before registration started. */
    public Optional<ServiceRegistration> registration() {
        LeaseKeeper current = keeper;
        return current == null ? Optional.empty() : Optional.of(current.registration());
    }

    /** The advertised endpoint derived from the bound port, or null before the web server started. */
    String defaultEndpoint() {
        int bound = port;
        if (bound <= 0) {
            return null;
        }
        String contextPath = environment.getProperty("server.servlet.context-path", "");
        if (contextPath.endsWith("/")) {
            contextPath = contextPath.substring(0, contextPath.length() - 1);
        }
        return (sslEnabled() ? "https" : "http") + "://" + advertisedHost(environment.getProperty("server.address"))
                + ":" + bound + contextPath;
    }

    private boolean sslEnabled() {
        return environment.getProperty("server.ssl.enabled", Boolean.class, true)
                && (environment.containsProperty("server.ssl.bundle")
                        || environment.containsProperty("server.ssl.key-store")
                        || environment.containsProperty("server.ssl.certificate"));
    }

    /** The configured bind address unless it is a wildcard, else this machine's address. */
    static String advertisedHost(String serverAddress) {
        try {
            if (serverAddress != null && !serverAddress.isBlank()) {
                InetAddress bound = InetAddress.getByName(serverAddress.strip());
                if (!bound.isAnyLocalAddress()) {
                    return literal(bound);
                }
            }
            return literal(InetAddress.getLocalHost());
        } catch (UnknownHostException e) {
            log.warn(
                    "Could not determine this host's address ({}); advertising localhost: set"
                            + " agentforge.service.endpoint",
                    e.getMessage());
            return "localhost";
        }
    }

    private static String literal(InetAddress address) {
        if (address instanceof Inet6Address) {
            String text = address.getHostAddress();
            int scope = text.indexOf('%');
            return "[" + (scope < 0 ? text : text.substring(0, scope)) + "]";
        }
        return address.getHostAddress();
    }

    @Override
    public void start() {
        running = true;
    }

    /** Deregisters, so callers stop being sent here before the web server drains its requests. */
    @Override
    public void stop() {
        close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** The last phase to start is the first to stop: deregistration precedes the web server's graceful shutdown. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }

    @Override
    public void destroy() {
        close();
    }

    private void close() {
        LeaseKeeper current;
        synchronized (this) {
            closed = true;
            current = keeper;
        }
        if (current != null) {
            current.close();
        }
    }
}
