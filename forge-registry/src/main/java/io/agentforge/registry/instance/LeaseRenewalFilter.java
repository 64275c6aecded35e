package io.agentforge.registry.instance;

import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.ApiKeyService;
import io.agentforge.web.BearerCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a lease renewal that will succeed — a valid key with the service role, the owner's or an admin's, a known
 * instance — before the security filter chain and Spring MVC, which cost several times the renewal itself (every
 * instance renews every few seconds, so this is the registry's hot path). Anything else goes down the chain unchanged,
 * so refusals and errors are answered there, exactly as before. Runs after the HTTP metrics filter, so renewals are
 * still counted under their URI pattern.
 */
class LeaseRenewalFilter extends OncePerRequestFilter {

    static final String PATTERN = "/api/v1/instances/{instanceId}/lease";
    private static final String PREFIX = "/api/v1/instances/";
    private static final String SUFFIX = "/lease";

    private final ApiKeyService keys;
    private final Registrations registrations;
    private final JsonMapper mapper;

    LeaseRenewalFilter(ApiKeyService keys, Registrations registrations, JsonMapper mapper) {
        this.keys = keys;
        this.registrations = registrations;
        this.mapper = mapper;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Lease> lease = "PUT".equals(request.getMethod()) ? renewal(request) : Optional.empty();
        if (lease.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        ServerHttpObservationFilter.findObservationContext(request).ifPresent(c -> c.setPathPattern(PATTERN));
        byte[] body = mapper.writeValueAsBytes(lease.get());
        response.setStatus(HttpServletResponse.SC_OK);
        // The headers Spring Security's header writer gives every other answer.
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-XSS-Protection", "0");
        response.setHeader("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("Expires", "0");
        response.setHeader("X-Frame-Options", "DENY");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private Optional<Lease> renewal(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (!uri.startsWith(PREFIX) || !uri.endsWith(SUFFIX) || request.getQueryString() != null) {
            return Optional.empty();
        }
        String instanceId = uri.substring(PREFIX.length(), uri.length() - SUFFIX.length());
        if (!ServiceRegistration.INSTANCE_ID.matcher(instanceId).matches()) {
            return Optional.empty();
        }
        String presented = BearerCredentials.presented(request);
        if (presented == null) {
            return Optional.empty();
        }
        Optional<ApiKeyPrincipal> caller = keys.authenticate(presented);
        if (caller.isEmpty() || !caller.get().has(Role.SERVICE)) {
            return Optional.empty();
        }
        return registrations.tryRenew(instanceId, caller.get());
    }
}
