package io.agentforge.gateway.mcp;

import io.agentforge.gateway.mcp.CallerScopes.ScopeUnavailableException;
import io.agentforge.registry.api.ProblemTypes;
import io.agentforge.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Before each message reaches the MCP server: brings its tools up to the latest catalog and leaves the caller's
 * {@link CallerScope} in the request attribute {@link CallerScope#ATTRIBUTE} (503 when it can't be had, never an
 * unscoped answer).
 */
public final class CatalogSyncFilter extends OncePerRequestFilter {

    private final CatalogMcpServer server;
    private final CallerScopes scopes;

    public CatalogSyncFilter(CatalogMcpServer server, CallerScopes scopes) {
        this.server = server;
        this.scopes = scopes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            request.setAttribute(CallerScope.ATTRIBUTE, scopes.of(request));
        } catch (ScopeUnavailableException e) {
            response.setHeader("Retry-After", "5");
            ProblemWriter.write(
                    response,
                    ProblemWriter.problem(
                            HttpStatus.SERVICE_UNAVAILABLE, ProblemTypes.UNAVAILABLE, "Unavailable", e.getMessage()));
            return;
        }
        server.sync();
        chain.doFilter(request, response);
    }
}
