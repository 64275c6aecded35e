package io.agentforge.client;

import io.agentforge.registry.api.InstanceStatus;
import io.agentforge.registry.api.ServiceKind;
import io.agentforge.registry.api.ServiceRegistration;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/** Filters of a services lookup; every null filter matches anything. */
public record ServiceQuery(
        @Nullable String name,
        @Nullable ServiceKind kind,
        @Nullable String capability,
        @Nullable InstanceStatus status) {

    public ServiceQuery {
        if (name != null && !ServiceRegistration.SERVICE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name must match " + ServiceRegistration.SERVICE_NAME.pattern());
        }
        if (capability != null
                && !ServiceRegistration.CAPABILITY.matcher(capability).matches()) {
            throw new IllegalArgumentException("capability must match " + ServiceRegistration.CAPABILITY.pattern());
        }
    }

    /** Every service with all its instances. */
    public static ServiceQuery all() {
        return new ServiceQuery(null, null, null, null);
    }

    public ServiceQuery withName(@Nullable String serviceName) {
        return new ServiceQuery(serviceName, kind, capability, status);
    }

    public ServiceQuery withKind(@Nullable ServiceKind serviceKind) {
        return new ServiceQuery(name, serviceKind, capability, status);
    }

    public ServiceQuery withCapability(@Nullable String serviceCapability) {
        return new ServiceQuery(name, kind, serviceCapability, status);
    }

    public ServiceQuery withStatus(@Nullable InstanceStatus instanceStatus) {
        return new ServiceQuery(name, kind, capability, instanceStatus);
    }

    /** The query string, with its leading {@code ?}, or empty. */
    String queryString() {
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        add(query, "name", name);
        add(query, "kind", kind == null ? null : kind.name());
        add(query, "capability", capability);
        add(query, "status", status == null ? null : status.name());
        return query.toString();
    }

    private static void add(StringJoiner query, String key, @Nullable String value) {
        if (value != null) {
            query.add(key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
