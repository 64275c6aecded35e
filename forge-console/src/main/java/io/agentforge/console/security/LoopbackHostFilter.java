package io.agentforge.console.security;

import io.agentforge.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
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
        // The host name is the caller's text: leave it out of the answer.
        ProblemWriter.write(response, HttpServletResponse.SC_FORBIDDEN, "forbidden", "Forbidden", "This console"
                + " runs without login (auth=none) and answers only to localhost, 127.0.0.1 or [::1]; open it by one of"
                + " those names.");
    }
}
