package io.agentforge.gateway.mcp;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/** Brings the MCP server's tools up to the latest catalog before each message reaches it. */
public final class CatalogSyncFilter extends OncePerRequestFilter {

    private final CatalogMcpServer server;

    public CatalogSyncFilter(CatalogMcpServer server) {
        this.server = server;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        server.sync();
        chain.doFilter(request, response);
    }
}
