package io.agentforge.gateway.mcp;

import java.util.List;

/**
 * Which services' functions a caller of the gateway sees and may call. A scoped service key is limited to the names
 * and trailing-{@code *} globs of its {@code services}; every other caller (client and admin keys, external users)
 * sees the whole healthy catalog.
 *
 * @param limited  whether {@code services} applies
 * @param services names or prefixes followed by {@code *}, as the registry's keys carry them
 */
public record CallerScope(boolean limited, List<String> services) {

    /** The whole catalog. */
    public static final CallerScope ALL = new CallerScope(false, List.of());

    /** Nothing at all: what a request gets whose scope was not found (fail closed). */
    public static final CallerScope NONE = new CallerScope(true, List.of());

    /** Request attribute holding the scope of the request's caller. */
    public static final String ATTRIBUTE = CallerScope.class.getName();

    /** The scope left on the request by {@link CatalogSyncFilter}; {@link #NONE} when there is none. */
    public static CallerScope of(jakarta.servlet.http.HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof CallerScope scope ? scope : NONE;
    }

    public CallerScope {
        services = List.copyOf(services);
    }

    /** A caller limited to these names and globs; an empty list is no limit (keys without a scope). */
    public static CallerScope of(List<String> services) {
        return services == null || services.isEmpty() ? ALL : new CallerScope(true, services);
    }

    /** Whether the caller sees the functions of {@code service}. */
    public boolean sees(String service) {
        if (!limited) {
            return true;
        }
        if (service == null) {
            return false;
        }
        for (String pattern : services) {
            boolean matches = pattern.endsWith("*")
                    ? service.startsWith(pattern.substring(0, pattern.length() - 1))
                    : service.equals(pattern);
            if (matches) {
                return true;
            }
        }
        return false;
    }
}
