package io.agentforge.console.security;

import io.agentforge.web.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With {@code auth=none} the console trusts whoever reaches it, so it answers only requests addressed to a loopback
 * name that arrive on a loopback socket. Listening on loopback alone is not enough: a web page can point its own host
 * name at 127.0.0.1 (DNS rebinding) and then call the console from the user's browser as a same-origin page; its
 * requests carry that host name and are refused here.
 *
 * <p>Only what the client sent and the socket it came in on count: the raw {@code Host} header and
 * {@link HttpServletRequest#getLocalAddr()}. {@link HttpServletRequest#getServerName()} does not, because with
 * {@code server.forward-headers-strategy=native} Tomcat's {@code RemoteIpValve} replaces it with
 * {@code X-Forwarded-Host} for any request from a loopback or private address, which a rebinding page's fetch is.
 * {@code X-Forwarded-Host} and {@code Forwarded} are never read.
 */
final class LoopbackHostFilter extends OncePerRequestFilter {

    // An IP literal as getLocalAddr() gives it: IPv4, or IPv6 with an optional zone. Parsing one asks no resolver.
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f.:]+(%[0-9A-Za-z._-]+)?");

    private final Set<String> allowed = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));

    /** @param serverAddress the loopback address the console is bound to, also accepted as a host name */
    LoopbackHostFilter(String serverAddress) {
        if (serverAddress != null && !serverAddress.isBlank()) {
            String address = serverAddress.strip().toLowerCase(Locale.ROOT);
            // A Host header writes an IPv6 address in brackets.
            allowed.add(address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address);
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isLoopbackName(hostName(request.getHeader(HttpHeaders.HOST))) && isLoopbackSocket(request.getLocalAddr())) {
            chain.doFilter(request, response);
            return;
        }
        // The host name is the caller's text: leave it out of the answer.
        ProblemWriter.write(
                response,
                HttpServletResponse.SC_FORBIDDEN,
                "forbidden",
                "Forbidden",
                "This console"
                        + " runs without login (auth=none) and answers only to localhost, 127.0.0.1 or [::1] on a loopback"
                        + " address, judged by the request's own Host header (forwarded headers do not count); open it by one"
                        + " of those names.");
    }

    private boolean isLoopbackName(String host) {
        // A loopback IP literal names no domain a page could rebind, so any of 127.0.0.0/8 and ::1 is fine.
        return host != null && (allowed.contains(host) || host.endsWith(".localhost") || isLoopbackLiteral(host));
    }

    /**
     * The host of a {@code Host} header without its port, lower-cased; {@code null} when the header is missing or
     * malformed. {@code [::1]:8080} gives {@code [::1]}, {@code localhost:8080} gives {@code localhost}.
     */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 || !isPortOrNothing(value.substring(end + 1)) ? null : value.substring(0, end + 1);
        }
        int colon = value.indexOf(':');
        if (colon < 0) {
            return value;
        }
        return isPortOrNothing(value.substring(colon)) ? value.substring(0, colon) : null;
    }

    private static boolean isPortOrNothing(String rest) {
        return rest.isEmpty() || rest.matches(":[0-9]{1,5}");
    }

    /** Whether the connection came in on a loopback address of this machine. */
    static boolean isLoopbackSocket(String localAddress) {
        return isLoopbackLiteral(localAddress);
    }

    /** Whether this is a loopback IP address written as a literal (IPv6 optionally in brackets); names are not. */
    private static boolean isLoopbackLiteral(String localAddress) {
        if (localAddress == null) {
            return false;
        }
        String literal = localAddress.startsWith("[") && localAddress.endsWith("]") && localAddress.length() > 2
                ? localAddress.substring(1, localAddress.length() - 1)
                : localAddress;
        // A bare IPv6 literal in a Host header would be malformed; the parser never passes one.
        if (!IP_LITERAL.matcher(literal).matches() || !literal.contains(".") && !literal.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
