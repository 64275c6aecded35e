package io.agentforge.starter;

import io.agentforge.registry.api.ServiceKind;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of a service built on the starter, under {@code agentforge.*}.
 *
 * @param enabled       Whether the service registers itself with the registry
 * @param registryUrl   Base URL of the registry (env {@code AGENTFORGE_REGISTRY_URL}); empty: no registration and no
 *                      inbound key checks against the registry
 * @param apiKey        This service's {@code service} key {@code af_<keyId>_<secret>} (env {@code AGENTFORGE_API_KEY})
 * @param service       What the service advertises
 * @param leaseDuration The lease the registry grants; the service renews every third of it
 * @param security      Inbound API-key checks
 * @param functions     The HTTP endpoint serving the published {@code @Tool} methods
 */
@ConfigurationProperties("agentforge")
public record ForgeProperties(@DefaultValue("true") boolean enabled, String registryUrl, String apiKey,
                              @DefaultValue Service service, @DefaultValue("30s") Duration leaseDuration,
                              @DefaultValue Security security, @DefaultValue Functions functions) {

    public ForgeProperties {
        registryUrl = blankToNull(registryUrl);
        apiKey = blankToNull(apiKey);
    }

    /**
     * What the service tells the registry about itself.
     *
     * @param name         Service name, {@code ^[a-z][a-z0-9-]{1,62}$}; defaults to {@code spring.application.name}
     * @param kind         {@code TOOL} (publishes its {@code @Tool} methods) or {@code AGENT}
     * @param description  One line for people and models
     * @param version      The service's version
     * @param capabilities Capability tags, e.g. {@code math}
     * @param endpoint     Base URL callers use (env {@code AGENTFORGE_ENDPOINT}); defaults to
     *                     {@code http://<server.address or this host's address>:<bound port>}
     * @param instanceId   A stable instance id; the registry assigns one when empty
     * @param metadata     Free-form labels, e.g. {@code zone: a}
     * @param healthCheck  What the registry probes
     */
    public record Service(String name, @DefaultValue("TOOL") ServiceKind kind, String description, String version,
                          List<String> capabilities, String endpoint, String instanceId,
                          Map<String, String> metadata, @DefaultValue HealthCheck healthCheck) {

        public Service {
            name = blankToNull(name);
            description = blankToNull(description);
            version = blankToNull(version);
            endpoint = blankToNull(endpoint);
            instanceId = blankToNull(instanceId);
            capabilities = capabilities == null ? List.of() : List.copyOf(capabilities);
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    /**
     * The registry's active health probe of this service.
     *
     * @param path     Absolute path on the advertised endpoint
     * @param interval Time between probes
     */
    public record HealthCheck(@DefaultValue("/actuator/health") String path, @DefaultValue("10s") Duration interval) {
    }

    /**
     * Inbound API-key checks on {@code /forge/functions/**}.
     *
     * @param enabled {@code false} only for local development and tests: every caller is then accepted
     */
    public record Security(@DefaultValue("true") boolean enabled) {
    }

    /**
     * The function endpoint {@code POST /forge/functions/{name}}.
     *
     * @param maxRequestSize Largest accepted arguments document; larger ones get 413
     */
    public record Functions(@DefaultValue("64KB") DataSize maxRequestSize) {
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @Override
    public String toString() {
        return "ForgeProperties[enabled=" + enabled + ", registryUrl=" + registryUrl + ", apiKey="
                + (apiKey == null ? null : "***") + ", service=" + service + ", leaseDuration=" + leaseDuration
                + ", security=" + security + ", functions=" + functions + "]";
    }
}
