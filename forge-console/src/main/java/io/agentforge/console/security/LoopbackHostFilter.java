package io.agentforge.console.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * With {@code auth=none} the console trusts whoever reaches it, so it answers only requests addressed to a loopback
 * name. Listening on loopback alone is not enough: a web page can point its own host name at 127.0.0.1 (DNS
 * rebinding) and then call the console from the user's browser as a same-origin page; its requests carry that host
 * name and are refused here.
 */
final class LoopbackHostFilter extends OncePerRequestFilter {

    private final Set<String> allowed = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]", "::1"));

    /** @param serverAddress the loopback address the console is bound to, also accepted as a host name */
    LoopbackHostFilter(String serverAddress) {
        if (serverAddress != null && !serverAddress.isBlank()) {
            allowed.add(serverAddress.strip().toLowerCase(Locale.ROOT));
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String host = request.getServerName() == null ? "" : request.getServerName().toLowerCase(Locale.ROOT);
        if (allowed.contains(host) || host.endsWith(".localhost")) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        // The host name is the caller's text: leave it out of the answer rather than escape it.
        response.getWriter().write("{\"type\":\"urn:agentforge:problem:forbidden\",\"title\":\"Forbidden\","
                + "\"status\":403,\"detail\":\"This console runs without login (auth=none) and answers only to"
                + " localhost, 127.0.0.1 or [::1]; open it by one of those names.\"}");
    }
}
