package io.agentforge.starter;

import io.agentforge.client.InvokerSettings;
import io.agentforge.registry.api.ServiceKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of a service built on the starter, under {@code agentforge.*}.
 *
 * @param enabled       Whether the service registers itself with the registry
 * @param registryUrl   Base URL of the registry (env {@code AGENTFORGE_REGISTRY_URL}), or several replicas' separated by
 *                      commas, tried in turn when one does not answer; empty: no registration and no inbound key checks
 *                      against the registry
 * @param apiKey        This service's {@code service} key {@code af_<keyId>_<secret>} (env {@code AGENTFORGE_API_KEY})
 * @param service       What the service advertises
 * @param leaseDuration The lease the registry grants; the service renews every third of it
 * @param security      Inbound checks of the tokens (and, if allowed, API keys) callers present
 * @param functions     The HTTP endpoint serving the published {@code @Tool} methods
 * @param outbound      Which endpoints this service may call (tools found in the registry)
 * @param discovery     The catalog cache that follows the registry's change feed
 * @param invoker       How functions of the catalog are called
 */
@ConfigurationProperties("agentforge")
public record ForgeProperties(
        @DefaultValue("true") boolean enabled,
        String registryUrl,
        String apiKey,
        @DefaultValue Service service,
        @DefaultValue("30s") Duration leaseDuration,
        @DefaultValue Security security,
        @DefaultValue Functions functions,
        @DefaultValue Outbound outbound,
        @DefaultValue Discovery discovery,
        @DefaultValue Invoker invoker) {

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
    public record Service(
            String name,
            @DefaultValue("TOOL") ServiceKind kind,
            String description,
            String version,
            List<String> capabilities,
            String endpoint,
            String instanceId,
            Map<String, String> metadata,
            @DefaultValue HealthCheck healthCheck) {

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
    public record HealthCheck(
            @DefaultValue("/actuator/health") String path,
            @DefaultValue("10s") Duration interval) {}

    /**
     * Inbound checks on {@code /forge/functions/**}: registry-issued JWTs, verified against the registry's JWKS.
     *
     * @param enabled        {@code false} only for local development and tests: every caller is then accepted
     * @param acceptApiKeys  Also accept {@code af_} API keys (checked by asking the registry); off by default, so no
     *                       caller needs to send a long-lived key here
     * @param tokenIssuer    The {@code iss} tokens must carry (env {@code AGENTFORGE_SECURITY_TOKEN_ISSUER}); empty:
     *                       not checked (the signature already ties a token to the registry)
     * @param jwksUri        Where the registry's signing keys are; empty: {@code {registry-url}/oauth2/jwks}
     */
    public record Security(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("false") boolean acceptApiKeys,
            String tokenIssuer,
            String jwksUri) {

        public Security {
            tokenIssuer = blankToNull(tokenIssuer);
            jwksUri = blankToNull(jwksUri);
        }
    }

    /**
     * The outbound endpoint policy for calls to endpoints found in the registry. Link-local and cloud metadata
     * addresses are always refused.
     *
     * @param allowLoopback Allow loopback addresses (127.0.0.0/8, ::1), e.g. for a stack on one machine
     * @param allowPrivate  Allow private ranges (10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10)
     * @param allowedCidrs  Further ranges to allow, e.g. {@code 10.1.0.0/16}
     */
    public record Outbound(
            @DefaultValue("false") boolean allowLoopback,
            @DefaultValue("false") boolean allowPrivate,
            List<String> allowedCidrs) {

        public Outbound {
            allowedCidrs = allowedCidrs == null ? List.of() : List.copyOf(allowedCidrs);
        }
    }

    /**
     * The discovery cache ({@code DiscoveryCache}), made for services that call tools.
     *
     * @param idleTimeout A change feed silent this long (no event, no heartbeat; the registry beats every 15 s) is
     *                    taken as broken and reopened
     */
    public record Discovery(@DefaultValue("45s") Duration idleTimeout) {}

    /**
     * How the {@code FunctionInvoker} calls tools: failover across healthy instances and a circuit breaker per
     * instance.
     *
     * @param connectTimeout      Time to connect to one instance before trying the next
     * @param callTimeout         Time one instance may take to answer; a timed-out call is not retried (it may have run)
     * @param maxAttempts         Instances tried per call at most (connect failures and 5xx move on)
     * @param breakerWindow       Calls per instance the circuit breaker judges
     * @param breakerMinimumCalls Calls an instance must have had before its circuit may open
     * @param breakerFailureRate  Percentage of failed calls in the window that opens the circuit
     * @param breakerOpenDuration How long an open circuit skips its instance
     * @param maxResponseSize     Largest tool answer read; larger ones are refused
     */
    public record Invoker(
            @DefaultValue("1s") Duration connectTimeout,
            @DefaultValue("30s") Duration callTimeout,
            @DefaultValue("3") int maxAttempts,
            @DefaultValue("10") int breakerWindow,
            @DefaultValue("5") int breakerMinimumCalls,
            @DefaultValue("50") float breakerFailureRate,
            @DefaultValue("30s") Duration breakerOpenDuration,
            @DefaultValue("1MB") DataSize maxResponseSize) {

        /** These settings for forge-client, which checks them. */
        public InvokerSettings settings() {
            return new InvokerSettings(
                    connectTimeout,
                    callTimeout,
                    maxAttempts,
                    breakerWindow,
                    breakerMinimumCalls,
                    breakerFailureRate,
                    breakerOpenDuration,
                    (int) Math.min(maxResponseSize.toBytes(), Integer.MAX_VALUE));
        }
    }

    /**
     * The function endpoint {@code POST /forge/functions/{name}}.
     *
     * @param maxRequestSize Largest accepted arguments document; larger ones get 413
     */
    public record Functions(@DefaultValue("64KB") DataSize maxRequestSize) {}

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    @Override
    public String toString() {
        return "ForgeProperties[enabled=" + enabled + ", registryUrl=" + registryUrl + ", apiKey="
                + (apiKey == null ? null : "***") + ", service=" + service + ", leaseDuration=" + leaseDuration
                + ", security=" + security + ", functions=" + functions + ", outbound=" + outbound + ", discovery="
                + discovery + ", invoker=" + invoker + "]";
    }
}
