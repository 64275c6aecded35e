package io.agentforge.registry.instance;

import io.agentforge.registry.api.Lease;
import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.ApiKeyService;
import io.agentforge.registry.web.DatabaseFailures;
import io.agentforge.registry.web.DirectAnswers;
import io.agentforge.registry.web.Problems;
import io.agentforge.web.BearerCredentials;
import io.agentforge.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Answers a lease renewal that will succeed — a valid key with the service role, the owner's or an admin's, a known
 * instance — before the security filter chain and Spring MVC, which cost several times the renewal itself (every
 * instance renews every few seconds, so this is the registry's hot path). Anything else goes down the chain unchanged,
 * so refusals and errors are answered there, exactly as before. It runs first, ahead of the HTTP server metrics too
 * (their observation cost a fifth of a renewal): renewals answered here are counted by
 * {@code agentforge.registry.renewals}, not in {@code http.server.requests}.
 */
class LeaseRenewalFilter extends HttpFilter {

    private static final String PREFIX = "/api/v1/instances/";
    private static final String SUFFIX = "/lease";

    private static final Logger log = LoggerFactory.getLogger(LeaseRenewalFilter.class);

    private static final long WARNING_INTERVAL_NANOS = 60_000_000_000L;

    private final AtomicLong nextWarning = new AtomicLong(System.nanoTime());
    private final AtomicLong refusedQuietly = new AtomicLong();
    private final ApiKeyService keys;
    private final Registrations registrations;
    private final JsonMapper mapper;

    LeaseRenewalFilter(ApiKeyService keys, Registrations registrations, JsonMapper mapper) {
        this.keys = keys;
        this.registrations = registrations;
        this.mapper = mapper;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<Lease> lease;
        try {
            lease = "PUT".equals(request.getMethod()) ? renewal(request) : Optional.empty();
        } catch (RuntimeException e) {
            if (!DatabaseFailures.unreachable(e)) {
                throw e;
            }
            // A key or an instance this replica has not cached needs the database: say so, don't 500.
            long refused = refusedQuietly.incrementAndGet();
            long now = System.nanoTime();
            long due = nextWarning.get();
            // Every renewal is refused during an outage: one warning a minute, with the count, not one per request.
            if (now - due >= 0 && nextWarning.compareAndSet(due, now + WARNING_INTERVAL_NANOS)) {
                refusedQuietly.addAndGet(-refused);
                log.warn("Refused {} renewal(s) while the database is unavailable: {}", refused, e.toString());
            }
            response.setHeader(HttpHeaders.RETRY_AFTER, Problems.DATABASE_RETRY_AFTER);
            DirectAnswers.securityHeaders(response, null);
            ProblemWriter.write(response, Problems.databaseUnavailable());
            return;
        }
        if (lease.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        byte[] body = mapper.writeValueAsBytes(lease.get());
        response.setStatus(HttpServletResponse.SC_OK);
        DirectAnswers.securityHeaders(response, null);
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
