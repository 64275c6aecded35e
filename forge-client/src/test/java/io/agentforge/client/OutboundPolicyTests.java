package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OutboundPolicyTests {

    private final OutboundPolicy strict = OutboundPolicy.strict();
    private final OutboundPolicy permissive = new OutboundPolicy(true, true, List.of());

    private static URI url(String host) {
        return URI.create("http://" + host + ":8083/forge/functions/f");
    }

    @Nested
    class AlwaysRefused {

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "169.254.169.254",
                    "169.254.0.1",
                    "[fe80::1]",
                    "[fd00:ec2::254]",
                    "100.100.100.200",
                    "0.0.0.0",
                    "[::]",
                    "224.0.0.1",
                    "255.255.255.255",
                    "[ff02::1]",
                    "[::ffff:169.254.169.254]",
                    "[::ffff:a9fe:a9fe]",
                    "[64:ff9b::a9fe:a9fe]",
                    "[2002:a9fe:a9fe::1]"
                })
        void evenWhenLoopbackAndPrivateAreAllowed(String host) {
            assertThatThrownBy(() -> permissive.check(url(host))).isInstanceOf(EndpointRefusedException.class);
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "metadata.google.internal",
                    "METADATA.google.internal.",
                    "metadata.goog",
                    "metadata",
                    "instance-data"
                })
        void metadataNamesAreRefusedWithoutResolving(String host) {
            OutboundPolicy policy = new OutboundPolicy(true, true, List.of(), name -> {
                throw new AssertionError("resolved " + name);
            });

            assertThatThrownBy(() -> policy.check(url(host)))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("cloud metadata service");
        }

        @Test
        void anAllowedCidrDoesNotOpenMetadataOrLinkLocal() {
            OutboundPolicy policy = new OutboundPolicy(false, false, List.of("169.254.0.0/16", "0.0.0.0/0"));

            assertThatThrownBy(() -> policy.check(url("169.254.169.254")))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("metadata");
            assertThatThrownBy(() -> policy.check(url("169.254.1.1")))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("link-local");
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "ftp://example.com/x",
                    "file:///etc/passwd",
                    "gopher://127.0.0.1/",
                    "http://user:pw@example.com/"
                })
        void otherSchemesAndUserInfo(String endpoint) {
            assertThatThrownBy(() -> permissive.check(URI.create(endpoint)))
                    .isInstanceOf(EndpointRefusedException.class);
        }
    }

    @Nested
    class LoopbackAndPrivate {

        @ParameterizedTest
        @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"})
        void loopbackIsRefusedUnlessAllowed(String host) {
            assertThatThrownBy(() -> strict.check(url(host)))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("loopback")
                    .hasMessageContaining("allow-loopback");
            assertThat(new OutboundPolicy(true, false, List.of()).check(url(host)))
                    .isNotEmpty();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "10.0.0.5",
                    "10.255.255.255",
                    "172.16.0.1",
                    "172.31.255.254",
                    "192.168.1.1",
                    "[fc00::1]",
                    "[fd12:3456::1]",
                    "100.64.0.1",
                    "100.127.255.254",
                    "[::ffff:10.0.0.1]",
                    "[64:ff9b::a00:1]"
                })
        void privateRangesAreRefusedUnlessAllowed(String host) {
            assertThatThrownBy(() -> strict.check(url(host)))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("private");
            assertThat(new OutboundPolicy(false, true, List.of()).check(url(host)))
                    .isNotEmpty();
        }

        @ParameterizedTest
        @ValueSource(
                strings = {
                    "172.15.255.255",
                    "172.32.0.1",
                    "100.63.255.255",
                    "100.128.0.1",
                    "11.0.0.1",
                    "192.169.0.1",
                    "8.8.8.8",
                    "[2001:db8::1]"
                })
        void theEdgesOfThePrivateRangesArePublic(String host) {
            assertThat(strict.check(url(host))).isNotEmpty();
        }

        @Test
        void anAllowedCidrOpensJustThatRange() {
            OutboundPolicy policy = new OutboundPolicy(false, false, List.of("10.1.0.0/16", "127.0.0.1/32"));

            assertThat(policy.check(url("10.1.2.3"))).isNotEmpty();
            assertThat(policy.check(url("127.0.0.1"))).isNotEmpty();
            assertThatThrownBy(() -> policy.check(url("10.2.0.1"))).isInstanceOf(EndpointRefusedException.class);
            assertThatThrownBy(() -> policy.check(url("127.0.0.2"))).isInstanceOf(EndpointRefusedException.class);
        }

        @Test
        void aHostNameResolvingToLoopbackIsRefused() {
            assertThatThrownBy(() -> strict.check(URI.create("http://localhost:8083/")))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("'localhost' resolves to")
                    .hasMessageContaining("loopback");
        }

        @Test
        void everyResolvedAddressIsChecked() throws UnknownHostException {
            InetAddress[] answer = {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.7")};
            OutboundPolicy policy = new OutboundPolicy(false, false, List.of(), host -> answer);

            assertThatThrownBy(() -> policy.check(URI.create("https://tool.example.com/")))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("'tool.example.com' resolves to 10.0.0.7, a private address");
        }

        @Test
        void theCheckedAddressesAreReturned() throws UnknownHostException {
            InetAddress[] answer = {InetAddress.getByName("93.184.216.34")};
            OutboundPolicy policy = new OutboundPolicy(false, false, List.of(), host -> answer);

            assertThat(policy.check(URI.create("https://tool.example.com/"))).containsExactly(answer);
        }

        @Test
        void anUnresolvableHostIsRefused() {
            OutboundPolicy policy = new OutboundPolicy(false, false, List.of(), host -> {
                throw new UnknownHostException(host);
            });

            assertThatThrownBy(() -> policy.check(URI.create("http://nowhere.invalid/")))
                    .isInstanceOf(EndpointRefusedException.class)
                    .hasMessageContaining("does not resolve");
        }
    }

    @Test
    void aMalformedCidrIsRefusedAtConstruction() {
        assertThatIllegalArgumentException().isThrownBy(() -> new OutboundPolicy(false, false, List.of("10.0.0.0/33")));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new OutboundPolicy(false, false, List.of("example.com/8")));
    }
}
