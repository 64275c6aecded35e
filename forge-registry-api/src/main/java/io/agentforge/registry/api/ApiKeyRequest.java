package io.agentforge.registry.api;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Asks the registry for a new API key with the given name and roles.
 *
 * @param services for a service key that is not admin (required there, refused elsewhere): the service names it may
 *                 register, each a name or a trailing-{@code *} glob such as {@code calc-*}
 * @param kinds    what those services may be; defaults to {@code TOOL} for a service key, only a key with
 *                 {@code AGENT} may register agents
 */
public record ApiKeyRequest(String name, Set<Role> roles, List<String> services, Set<ServiceKind> kinds) {

    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");
    /** A service name, or a prefix of one followed by {@code *}. */
    public static final Pattern SERVICE_PATTERN =
            Pattern.compile("[a-z][a-z0-9-]{0,61}\\*|" + ServiceRegistration.SERVICE_NAME.pattern());

    public static final int MAX_SERVICES = 32;

    public ApiKeyRequest(
            String name, Set<Role> roles, @Nullable List<String> services, @Nullable Set<ServiceKind> kinds) {
        Checks.matches("name", name, NAME);
        if (roles == null || roles.isEmpty()) {
            throw new InvalidFieldException("roles", "at least one of admin, service, client is required");
        }
        roles = Set.copyOf(EnumSet.copyOf(roles));
        boolean scoped = roles.contains(Role.SERVICE) && !roles.contains(Role.ADMIN);
        services = Checks.maxSize("services", services, MAX_SERVICES);
        kinds = kinds == null ? Set.of() : Set.copyOf(kinds);
        if (!scoped) {
            if (!services.isEmpty() || !kinds.isEmpty()) {
                throw new InvalidFieldException(
                        services.isEmpty() ? "kinds" : "services",
                        "only a service key that"
                                + " is not admin is scoped to service names; an admin key may register any name, a client"
                                + " key none");
            }
        } else {
            if (services.isEmpty()) {
                throw new InvalidFieldException(
                        "services",
                        "is required for a service key: the service names it"
                                + " may register, e.g. [\"calculator\"] or [\"calc-*\"]");
            }
            List<String> distinct = new ArrayList<>(new LinkedHashSet<>(services));
            for (int i = 0; i < distinct.size(); i++) {
                Checks.matches("services[" + i + "]", distinct.get(i), SERVICE_PATTERN);
            }
            services = List.copyOf(distinct);
            kinds = kinds.isEmpty() ? Set.of(ServiceKind.TOOL) : Set.copyOf(EnumSet.copyOf(kinds));
        }
        this.name = name;
        this.roles = roles;
        this.services = services;
        this.kinds = kinds;
    }

    /** A key that is not a scoped service key: admin or client. */
    public ApiKeyRequest(String name, Set<Role> roles) {
        this(name, roles, null, null);
    }
}
