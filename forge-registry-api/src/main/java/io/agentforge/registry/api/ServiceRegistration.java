package io.agentforge.registry.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** What an instance tells the registry about itself; registering the same {@code instanceId} again updates it. */
public record ServiceRegistration(
        @Nullable String instanceId,
        String name,
        ServiceKind kind,
        ServiceProtocol protocol,
        @Nullable String version,
        @Nullable String description,
        String endpoint,
        List<String> capabilities,
        Map<String, String> metadata,
        List<FunctionDescriptor> functions,
        @Nullable HealthCheck healthCheck,
        Duration leaseDuration) {

    public static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    public static final Pattern SERVICE_NAME = Pattern.compile("[a-z][a-z0-9-]{1,62}");
    public static final Pattern CAPABILITY = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    public static final Pattern METADATA_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/-]{0,63}");
    public static final int MAX_FUNCTIONS = 64;
    public static final int MAX_CAPABILITIES = 32;
    public static final int MAX_METADATA = 32;
    public static final int MAX_METADATA_VALUE = 256;
    public static final int MAX_ENDPOINT = 2048;
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
    public static final Duration MIN_LEASE = Duration.ofSeconds(1);
    public static final Duration MAX_LEASE = Duration.ofHours(1);

    /** A registration speaking the default protocol, {@link ServiceProtocol#FORGE}. */
    public ServiceRegistration(
            @Nullable String instanceId,
            String name,
            ServiceKind kind,
            @Nullable String version,
            @Nullable String description,
            String endpoint,
            @Nullable List<String> capabilities,
            @Nullable Map<String, String> metadata,
            @Nullable List<FunctionDescriptor> functions,
            @Nullable HealthCheck healthCheck,
            @Nullable Duration leaseDuration) {
        this(
                instanceId,
                name,
                kind,
                null,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                functions,
                healthCheck,
                leaseDuration);
    }

    /**
     * Absent {@code capabilities}, {@code metadata} or {@code functions}: none; absent {@code leaseDuration}:
     * {@link #DEFAULT_LEASE}; absent {@code protocol}: {@link ServiceProtocol#FORGE}.
     */
    public ServiceRegistration(
            @Nullable String instanceId,
            String name,
            ServiceKind kind,
            @Nullable ServiceProtocol protocol,
            @Nullable String version,
            @Nullable String description,
            String endpoint,
            @Nullable List<String> capabilities,
            @Nullable Map<String, String> metadata,
            @Nullable List<FunctionDescriptor> functions,
            @Nullable HealthCheck healthCheck,
            @Nullable Duration leaseDuration) {
        if (instanceId != null) {
            Checks.matches("instanceId", instanceId, INSTANCE_ID);
        }
        Checks.matches("name", name, SERVICE_NAME);
        Checks.required("kind", kind);
        protocol = protocol == null ? ServiceProtocol.FORGE : protocol;
        if (protocol == ServiceProtocol.MCP && kind != ServiceKind.TOOL) {
            throw new InvalidFieldException("protocol", "only a TOOL can be an MCP server (\"protocol\": \"mcp\")");
        }
        Checks.maxLength("version", version, 64);
        Checks.maxLength("description", description, FunctionDescriptor.MAX_DESCRIPTION);
        endpoint = normalizedEndpoint(endpoint);
        capabilities = Checks.maxSize("capabilities", capabilities, MAX_CAPABILITIES);
        for (int i = 0; i < capabilities.size(); i++) {
            Checks.matches("capabilities[" + i + "]", capabilities.get(i), CAPABILITY);
        }
        metadata = metadata(metadata);
        functions = Checks.maxSize("functions", functions, MAX_FUNCTIONS);
        if (kind == ServiceKind.AGENT && !functions.isEmpty()) {
            throw new InvalidFieldException("functions", "only a TOOL offers functions");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < functions.size(); i++) {
            if (!seen.add(functions.get(i).name())) {
                throw new InvalidFieldException(
                        "functions[" + i + "].name", "'" + functions.get(i).name() + "' is declared twice");
            }
            if (protocol != ServiceProtocol.MCP && functions.get(i).mcpName() != null) {
                throw new InvalidFieldException(
                        "functions[" + i + "].mcpName", "only the functions of an \"mcp\" instance have one");
            }
        }
        leaseDuration = Checks.between(
                "leaseDuration", leaseDuration == null ? DEFAULT_LEASE : leaseDuration, MIN_LEASE, MAX_LEASE);
        this.instanceId = instanceId;
        this.name = name;
        this.kind = kind;
        this.protocol = protocol;
        this.version = version;
        this.description = description;
        this.endpoint = endpoint;
        this.capabilities = capabilities;
        this.metadata = metadata;
        this.functions = functions;
        this.healthCheck = healthCheck;
        this.leaseDuration = leaseDuration;
    }

    /** A copy carrying the given instance id (the registry assigns one when the caller sent none). */
    public ServiceRegistration withInstanceId(String id) {
        return new ServiceRegistration(
                id,
                name,
                kind,
                protocol,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                functions,
                healthCheck,
                leaseDuration);
    }

    /** A copy with other functions (the registry imports those of an MCP server). */
    public ServiceRegistration withFunctions(List<FunctionDescriptor> newFunctions) {
        return new ServiceRegistration(
                instanceId,
                name,
                kind,
                protocol,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                newFunctions,
                healthCheck,
                leaseDuration);
    }

    /** A copy with another health check. */
    public ServiceRegistration withHealthCheck(@Nullable HealthCheck newHealthCheck) {
        return new ServiceRegistration(
                instanceId,
                name,
                kind,
                protocol,
                version,
                description,
                endpoint,
                capabilities,
                metadata,
                functions,
                newHealthCheck,
                leaseDuration);
    }

    private static String normalizedEndpoint(String endpoint) {
        Checks.required("endpoint", endpoint);
        Checks.maxLength("endpoint", endpoint, MAX_ENDPOINT);
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException(
                    "endpoint", "'" + Checks.abbreviate(endpoint) + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new InvalidFieldException(
                    "endpoint", "must be an absolute http(s) URL with a host, e.g. http://10.0.0.5:8083");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new InvalidFieldException("endpoint", "must not carry user info, a query or a fragment");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            throw new InvalidFieldException("endpoint", "port " + uri.getPort() + " is not between 1 and 65535");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static Map<String, String> metadata(@Nullable Map<String, String> metadata) {
        if (metadata == null) {
            return Map.of();
        }
        if (metadata.size() > MAX_METADATA) {
            throw new InvalidFieldException(
                    "metadata", "has " + metadata.size() + " entries, at most " + MAX_METADATA + " are allowed");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        metadata.forEach((key, value) -> {
            Checks.matches("metadata key", key, METADATA_KEY);
            Checks.required("metadata." + key, value);
            Checks.maxLength("metadata." + key, value, MAX_METADATA_VALUE);
            copy.put(key, value);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }
}
