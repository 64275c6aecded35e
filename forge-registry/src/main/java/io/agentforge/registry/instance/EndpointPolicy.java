package io.agentforge.registry.instance;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses endpoints the registry must never call or hand out: link-local addresses and cloud metadata services
 * (the classic SSRF targets of a component that probes URLs it is given).
 */
public final class EndpointPolicy {

    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog",
            "metadata.azure.internal", "instance-data", "instance-data.ec2.internal");
    private static final Set<String> METADATA_ADDRESSES = Set.of("169.254.169.254", "100.100.100.200",
            "fd00:ec2:0:0:0:0:0:254", "169.254.170.2");

    private final boolean allowLinkLocal;

    public EndpointPolicy(boolean allowLinkLocal) {
        this.allowLinkLocal = allowLinkLocal;
    }

    /** Why the endpoint is refused, or empty when it is acceptable. */
    public Optional<String> refusal(String endpoint) {
        if (allowLinkLocal) {
            return Optional.empty();
        }
        String host = URI.create(endpoint).getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        // "metadata.google.internal." is the same name as without the final dot.
        while (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (METADATA_HOSTS.contains(host)) {
            return Optional.of("'" + host + "' is a cloud metadata service");
        }
        if (!isIpLiteral(host)) {
            // Names are checked again, resolved, before every health probe (addressRefusal).
            return Optional.empty();
        }
        try {
            // A literal is parsed, never looked up.
            return addressRefusal(InetAddress.getByName(host));
        } catch (UnknownHostException e) {
            return Optional.of("'" + host + "' is not a valid address");
        }
    }

    /** Why the registry must not connect to this (resolved) address, or empty when it may. */
    public Optional<String> addressRefusal(InetAddress address) {
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
        // An IPv4 address inside an IPv6 one (::a.b.c.d, NAT64 64:ff9b::a.b.c.d) reaches the IPv4 host.
        if (address instanceof Inet6Address six) {
            byte[] bytes = six.getAddress();
            boolean compatible = Arrays.equals(Arrays.copyOf(bytes, 12), new byte[12]);
            boolean nat64 = bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b
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
        return Optional.empty();
    }

    private static boolean isIpLiteral(String host) {
        return host.contains(":") || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }
}
