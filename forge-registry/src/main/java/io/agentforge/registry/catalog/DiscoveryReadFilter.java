package io.agentforge.registry.catalog;

import io.agentforge.registry.api.Role;
import io.agentforge.registry.api.ServiceRegistration;
import io.agentforge.registry.security.ApiKeyPrincipal;
import io.agentforge.registry.security.ApiKeyService;
import io.agentforge.registry.web.DirectAnswers;
import io.agentforge.web.BearerCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Answers the cached discovery reads — {@code GET /api/v1/services}, {@code GET /api/v1/services?name=…} and
 * {@code GET /api/v1/catalog} with a valid key of at least the client role — ahead of the security filter chain and
 * Spring MVC, straight from {@link DiscoveryBodies} and the view's serialized catalog: the same bytes and headers
 * {@code CatalogController} sends, at a fraction of the CPU (the layers cost more than copying the cached body). Every
 * other request goes down the chain unchanged, so refusals, other filters and errors are answered there. Answers given
 * here are not in {@code http.server.requests}.
 */
class DiscoveryReadFilter extends HttpFilter {

    static final String SERVICES = "/api/v1/services";
    static final String CATALOG = "/api/v1/catalog";

    private final ApiKeyService keys;
    private final DiscoveryBodies bodies;
    private final RegistryView view;

    DiscoveryReadFilter(ApiKeyService keys, DiscoveryBodies bodies, RegistryView view) {
        this.keys = keys;
        this.bodies = bodies;
        this.view = view;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean get = "GET".equals(request.getMethod());
        String path = request.getRequestURI();
        if (get && CATALOG.equals(path) && request.getQueryString() == null && allowed(request)) {
            RegistryView.Snapshot snapshot = view.current();
            answer(
                    request,
                    response,
                    snapshot.catalogEtag(),
                    snapshot.version(),
                    snapshot.catalogJson(),
                    snapshot.catalogGzip());
            return;
        }
        Optional<String> name = get && SERVICES.equals(path) ? serviceName(request.getQueryString()) : Optional.empty();
        if (name.isEmpty() || !allowed(request)) {
            chain.doFilter(request, response);
            return;
        }
        DiscoveryBodies.Body body = bodies.services(name.get().isEmpty() ? null : name.get(), null);
        answer(request, response, body.etag(), body.version(), body.json(), body.gzip());
    }

    private static void answer(
            HttpServletRequest request,
            HttpServletResponse response,
            String etag,
            long version,
            byte[] json,
            RegistryView.Gzipped gzip)
            throws IOException {
        boolean notModified = CatalogController.matches(request.getHeader("If-None-Match"), etag);
        response.setStatus(notModified ? HttpServletResponse.SC_NOT_MODIFIED : HttpServletResponse.SC_OK);
        DirectAnswers.securityHeaders(response, "no-cache");
        response.setHeader("ETag", etag);
        response.setHeader("Vary", "Accept-Encoding");
        response.setHeader("X-Forge-Event-Id", Long.toString(version));
        if (notModified) {
            return;
        }
        response.setContentType("application/json");
        String encoding = request.getHeader("Accept-Encoding");
        byte[] bytes = json;
        if (encoding != null && encoding.toLowerCase(java.util.Locale.ROOT).contains("gzip")) {
            response.setHeader("Content-Encoding", "gzip");
            bytes = gzip.bytes();
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    // "" for all services, the name for ?name=…; empty for any other query (the controller answers those).
    private static Optional<String> serviceName(String query) {
        if (query == null) {
            return Optional.of("");
        }
        if (query.startsWith("name=")) {
            String name = query.substring(5);
            if (ServiceRegistration.SERVICE_NAME.matcher(name).matches()) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private boolean allowed(HttpServletRequest request) {
        String presented = BearerCredentials.presented(request);
        if (presented == null) {
            return false;
        }
        Optional<ApiKeyPrincipal> caller = keys.authenticate(presented);
        return caller.isPresent() && caller.get().has(Role.CLIENT);
    }
}
