package io.agentforge.client;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.Security;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which endpoints a caller may send requests to, one policy for every caller of catalog endpoints (agent, console,
 * starter, SDK users). {@link #check(URI)} refuses anything but {@code http}/{@code https}, resolves the host and
 * checks every address it resolves to:
 * <ul>
 *   <li>always refused: link-local ({@code 169.254.0.0/16}, {@code fe80::/10}), cloud metadata addresses
 *       ({@code 169.254.169.254}, {@code fd00:ec2::254}, {@code 100.100.100.200}) and names
 *       ({@code metadata.google.internal}, ...), unspecified, multicast and broadcast addresses;</li>
 *   <li>refused unless allowed: loopback ({@code 127.0.0.0/8}, {@code ::1}) and private ranges ({@code 10/8},
 *       {@code 172.16/12}, {@code 192.168/16}, {@code fc00::/7}, {@code 100.64/10}), by {@code allowLoopback},
 *       {@code allowPrivate} or a CIDR of {@code allowedCidrs};</li>
 *   <li>IPv4 addresses inside IPv6 (mapped {@code ::ffff:a.b.c.d}, compatible, NAT64 {@code 64:ff9b::/96}, 6to4
 *       {@code 2002::/16}) are judged by the IPv4 address they carry.</li>
 * </ul>
 *
 * <p><b>No rebinding between check and connect.</b> The JDK {@link java.net.http.HttpClient} has no hook to connect
 * to a given address, so the check resolves the name through {@link InetAddress}, which fills the JVM's positive
 * name cache ({@code networkaddress.cache.ttl}, 30 s by default), and the request that follows at once resolves
 * the name from that same cache: a DNS answer that changes after the check is not seen until the cache entry
 * expires. Endpoints registered with an IP literal (the usual case) are not resolved at all. A JVM configured with
 * {@code networkaddress.cache.ttl=0} loses this guarantee; the policy warns about it once. Callers must not follow
 * redirects (every client in this SDK follows none). Thread-safe and immutable.
 */
public final class OutboundPolicy {

    private static final Logger log = LoggerFactory.getLogger(OutboundPolicy.class);
    private static final AtomicBoolean WARNED_NO_CACHE = new AtomicBoolean();
    private static final Set<String> METADATA_NAMES = Set.of(
            "metadata.google.internal",
            "metadata.goog",
            "metadata",
            "instance-data",
            "instance-data.ec2.internal",
            "metadata.azure.internal");
    private static final List<Cidr> METADATA = List.of(
            Cidr.parse("169.254.169.254/32"), Cidr.parse("fd00:ec2::254/128"), Cidr.parse("100.100.100.200/32"));
    private static final List<Cidr> LINK_LOCAL = List.of(Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"));
    private static final List<Cidr> LOOPBACK = List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128"));
    private static final List<Cidr> PRIVATE = List.of(
            Cidr.parse("10.0.0.0/8"),
            Cidr.parse("172.16.0.0/12"),
            Cidr.parse("192.168.0.0/16"),
            Cidr.parse("fc00::/7"),
            Cidr.parse("100.64.0.0/10"));
    private static final List<Cidr> NOT_UNICAST = List.of(
            Cidr.parse("0.0.0.0/8"),
            Cidr.parse("::/128"),
            Cidr.parse("224.0.0.0/4"),
            Cidr.parse("240.0.0.0/4"),
            Cidr.parse("ff00::/8"));

    /** Resolves a host name to its addresses; the JDK's resolver by default. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress @Nullable [] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowLoopback;
    private final boolean allowPrivate;
    private final List<Cidr> allowedCidrs;
    private final Resolver resolver;

    /**
     * @param allowedCidrs further ranges to allow, e.g. {@code 10.1.0.0/16} or {@code 127.0.0.1/32}; link-local and
     *                     metadata addresses stay refused
     */
    public OutboundPolicy(boolean allowLoopback, boolean allowPrivate, @Nullable List<@Nullable String> allowedCidrs) {
        this(allowLoopback, allowPrivate, allowedCidrs, InetAddress::getAllByName);
    }

    public OutboundPolicy(
            boolean allowLoopback,
            boolean allowPrivate,
            @Nullable List<@Nullable String> allowedCidrs,
            Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
        this.allowedCidrs = allowedCidrs == null
                ? List.of()
                : allowedCidrs.stream()
                        .filter(c -> c != null && !c.isBlank())
                        .map(Cidr::parse)
                        .toList();
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        if ("0".equals(Security.getProperty("networkaddress.cache.ttl"))
                && WARNED_NO_CACHE.compareAndSet(false, true)) {
            log.warn("networkaddress.cache.ttl=0: a host name checked by the outbound policy is resolved again on"
                    + " connect, so DNS rebinding between check and connect is possible; register IP endpoints or"
                    + " keep the JVM's name cache on");
        }
    }

    /** Refuses loopback and private ranges: the default for a new user of the SDK. */
    public static OutboundPolicy strict() {
        return new OutboundPolicy(false, false, List.of());
    }

    public boolean allowLoopback() {
        return allowLoopback;
    }

    public boolean allowPrivate() {
        return allowPrivate;
    }

    /**
     * Checks an endpoint before anything is sent to it.
     *
     * @return the addresses the host resolved to, all allowed
     * @throws EndpointRefusedException when the URL, its host or any address it resolves to is not allowed, or the
     *                                  host does not resolve
     */
    public List<InetAddress> check(URI endpoint) {
        if (endpoint == null) {
            throw new IllegalArgumentException("endpoint is required");
        }
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new EndpointRefusedException(endpoint, "only http and https endpoints may be called");
        }
        if (endpoint.getRawUserInfo() != null) {
            throw new EndpointRefusedException(endpoint, "an endpoint must not carry user info");
        }
        String host = endpoint.getHost();
        if (host == null || host.isBlank()) {
            throw new EndpointRefusedException(endpoint, "the endpoint has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String name = host.toLowerCase(Locale.ROOT);
        while (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (METADATA_NAMES.contains(name)) {
            throw new EndpointRefusedException(endpoint, "'" + name + "' is a cloud metadata service");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new EndpointRefusedException(endpoint, "the host '" + host + "' does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            throw new EndpointRefusedException(endpoint, "the host '" + host + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null) {
                throw new EndpointRefusedException(
                        endpoint,
                        (isLiteral(host) ? "" : "'" + host + "' resolves to ") + address.getHostAddress() + ", "
                                + refusal);
            }
        }
        return List.copyOf(Arrays.asList(addresses));
    }

    /** Why the address is refused, null when it is allowed. */
    @Nullable
    String refusal(InetAddress address) {
        byte[] bytes = effective(address);
        if (Cidr.containsAny(METADATA, bytes)) {
            return "a cloud metadata address (always refused)";
        }
        if (Cidr.containsAny(LINK_LOCAL, bytes)) {
            return "a link-local address (always refused)";
        }
        if (Cidr.containsAny(NOT_UNICAST, bytes) || Arrays.equals(bytes, new byte[] {-1, -1, -1, -1})) {
            return "not a unicast address (always refused)";
        }
        if (Cidr.containsAny(allowedCidrs, bytes)) {
            return null;
        }
        if (Cidr.containsAny(LOOPBACK, bytes)) {
            return allowLoopback ? null : "a loopback address (allow it with allow-loopback)";
        }
        if (Cidr.containsAny(PRIVATE, bytes)) {
            return allowPrivate ? null : "a private address (allow it with allow-private or allowed-cidrs)";
        }
        return null;
    }

    /** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), else the address itself. */
    static byte[] effective(InetAddress address) {
        byte[] b = address.getAddress();
        if (!(address instanceof Inet6Address) || b.length != 16) {
            return b;
        }
        boolean zeros80 = allZero(b, 0, 10);
        if (zeros80 && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if (zeros80 && b[10] == 0 && b[11] == 0 && !(allZero(b, 12, 15) && (b[15] == 0 || b[15] == 1))) {
            return Arrays.copyOfRange(b, 12, 16); // IPv4-compatible ::a.b.c.d (not :: or ::1)
        }
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && allZero(b, 4, 12)) {
            return Arrays.copyOfRange(b, 12, 16); // NAT64 64:ff9b::/96
        }
        if (b[0] == 0x20 && b[1] == 0x02) {
            return Arrays.copyOfRange(b, 2, 6); // 6to4 2002:AABB:CCDD::/48
        }
        return b;
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c));
    }

    @Override
    public String toString() {
        return "OutboundPolicy[allowLoopback=" + allowLoopback + ", allowPrivate=" + allowPrivate + ", allowedCidrs="
                + allowedCidrs + "]";
    }

    /** An address range {@code address/prefix}; an IPv4 range never matches IPv6 bytes and vice versa. */
    record Cidr(byte[] network, int prefix, String text) {

        static Cidr parse(String text) {
            String value = text.strip();
            int slash = value.indexOf('/');
            String address = slash < 0 ? value : value.substring(0, slash);
            if (!isLiteral(address)) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR such as 10.0.0.0/8 or fd00::/8");
            }
            byte[] bytes;
            try {
                // A literal never triggers a lookup.
                InetAddress parsed = InetAddress.getByName(address);
                bytes = parsed instanceof Inet4Address ? parsed.getAddress() : effective(parsed);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR such as 10.0.0.0/8 or fd00::/8");
            }
            int prefix;
            try {
                prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException("'" + text + "': prefix length must be 0-" + bytes.length * 8);
            }
            return new Cidr(bytes, prefix, value);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }

        static boolean containsAny(List<Cidr> ranges, byte[] address) {
            for (Cidr range : ranges) {
                if (range.contains(address)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof Cidr cidr && cidr.prefix == prefix && Arrays.equals(cidr.network, network);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(network) * 31 + prefix;
        }
    }
}
