package io.agentforge.registry.instance;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Refuses endpoints the registry must never call or hand out: link-local addresses and cloud metadata services (the
 * classic SSRF targets of a component that probes URLs it is given), loopback addresses unless allowed (a stack on one
 * machine, such as {@code ./forge up}, needs them; a deployment does not), and — always — the registry itself: its own
 * ports on a loopback or local address, so that no caller is sent to the registry with a token or key as if it were a
 * tool, and the registry never probes itself.
 */
public final class EndpointPolicy {

    private static final Set<String> METADATA_HOSTS = Set.of(
            "metadata.google.internal",
            "metadata.goog",
            "metadata.azure.internal",
            "instance-data",
            "instance-data.ec2.internal");
    private static final Set<String> METADATA_ADDRESSES =
            Set.of("169.254.169.254", "100.100.100.200", "fd00:ec2:0:0:0:0:0:254", "169.254.170.2");

    private final boolean allowLinkLocal;
    private final boolean allowLoopback;
    private final IntPredicate ownPort;

    /**
     * @param allowLinkLocal accept link-local and metadata addresses ({@code agentforge.registry.allow-link-local-endpoints})
     * @param allowLoopback  accept loopback addresses ({@code agentforge.registry.allow-loopback-endpoints})
     * @param ownPort        whether a port is one the registry listens on (its server and management ports)
     */
    public EndpointPolicy(boolean allowLinkLocal, boolean allowLoopback, IntPredicate ownPort) {
        this.allowLinkLocal = allowLinkLocal;
        this.allowLoopback = allowLoopback;
        this.ownPort = Objects.requireNonNull(ownPort, "ownPort");
    }

    /** Why the endpoint is refused, or empty when it is acceptable. */
    public Optional<String> refusal(String endpoint) {
        URI uri = URI.create(endpoint);
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        // "metadata.google.internal." is the same name as without the final dot.
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        int port = port(uri);
        if (!allowLinkLocal && METADATA_HOSTS.contains(host)) {
            return Optional.of("'" + host + "' is a cloud metadata service");
        }
        if (!isIpLiteral(host)) {
            if (host.equals("localhost") || host.endsWith(".localhost")) {
                // RFC 6761: these names are loopback wherever they are resolved.
                return ownPort.test(port)
                        ? Optional.of(self(host, port))
                        : allowLoopback ? Optional.empty() : Optional.of(loopback(host));
            }
            if (ownPort.test(port)) {
                // Only a name on one of the registry's ports can be the registry: resolve it now.
                try {
                    for (InetAddress address : InetAddress.getAllByName(host)) {
                        if (isLocal(address)) {
                            return Optional.of(self(host, port));
                        }
                    }
                } catch (UnknownHostException e) {
                    // Not resolvable here and now: checked again, resolved, before every health probe.
                }
            }
            // Names are checked again, resolved, before every health probe (addressRefusal).
            return Optional.empty();
        }
        try {
            // A literal is parsed, never looked up.
            return addressRefusal(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            return Optional.of("'" + host + "' is not a valid address");
        }
    }

    /** Why the registry must not connect to this (resolved) address on this port, or empty when it may. */
    public Optional<String> addressRefusal(InetAddress address, int port) {
        if (ownPort.test(port) && isLocal(address)) {
            return Optional.of(self(address.getHostAddress(), port));
        }
        return addressRefusal(address);
    }

    /** Why the registry must not connect to this (resolved) address, or empty when it may. */
    public Optional<String> addressRefusal(InetAddress address) {
        // An IPv4 address inside an IPv6 one (::a.b.c.d, NAT64 64:ff9b::a.b.c.d) reaches the IPv4 host.
        if (address instanceof Inet6Address six) {
            byte[] bytes = six.getAddress();
            boolean compatible = Arrays.equals(Arrays.copyOf(bytes, 12), new byte[12]);
            boolean nat64 = bytes[0] == 0
                    && bytes[1] == 0x64
                    && bytes[2] == (byte) 0xff
                    && bytes[3] == (byte) 0x9b
                    && Arrays.equals(Arrays.copyOfRange(bytes, 4, 12), new byte[8]);
            if ((compatible || nat64) && !six.isLoopbackAddress() && !six.isAnyLocalAddress()) {
                try {
                    return addressRefusal(InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16)))
                            .map(why -> address.getHostAddress() + " embeds " + why);
                } catch (UnknownHostException e) {
                    return Optional.of(address.getHostAddress() + " is not a valid address");
                }
            }
        }
        if (address.isLoopbackAddress()) {
            return allowLoopback ? Optional.empty() : Optional.of(loopback(address.getHostAddress()));
        }
        if (allowLinkLocal) {
            return Optional.empty();
        }
        if (METADATA_ADDRESSES.contains(address.getHostAddress())) {
            return Optional.of(address.getHostAddress() + " is a cloud metadata address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of(address.getHostAddress() + " is a link-local address");
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return Optional.of(address.getHostAddress() + " is not a unicast address");
        }
        return Optional.empty();
    }

    private static String loopback(String host) {
        return host + " is a loopback address, refused unless agentforge.registry.allow-loopback-endpoints=true"
                + " (for a stack on one machine)";
    }

    private static String self(String host, int port) {
        return host + ":" + port + " is this registry itself; an endpoint must be the service's own address";
    }

    // The registry listens on this address when it is a loopback, wildcard or one of this host's interfaces.
    private static boolean isLocal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}
