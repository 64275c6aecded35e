package io.agentforge.registry.instance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointPolicyTests {

    /** The registry of these tests listens on 8081. */
    private static final int REGISTRY_PORT = 8081;

    private final EndpointPolicy policy = new EndpointPolicy(false, false, port -> port == REGISTRY_PORT);
    private final EndpointPolicy loopbackAllowed = new EndpointPolicy(false, true, port -> port == REGISTRY_PORT);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254",
                "http://169.254.10.1:8080",
                "http://metadata.google.internal",
                "http://metadata.google.internal.",
                "http://METADATA.GOOGLE.INTERNAL.:80",
                "http://[fe80::1]:8080",
                "http://[::ffff:169.254.169.254]",
                "http://[::169.254.169.254]",
                "http://[64:ff9b::a9fe:a9fe]",
                "http://100.100.100.200",
                "http://0.0.0.0:8080",
                "http://[::]:8080",
                "http://224.0.0.1"
            })
    void metadataLinkLocalAndNonUnicastEndpointsAreRefused(String endpoint) {
        assertThat(policy.refusal(endpoint)).as(endpoint).isPresent();
        assertThat(loopbackAllowed.refusal(endpoint)).as(endpoint).isPresent();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://10.0.0.5:8083",
                "http://calculator:8083",
                "https://tools.example.com",
                "http://[2001:db8::1]:8083",
                "http://192.0.2.10:8081"
            })
    void ordinaryEndpointsAreAccepted(String endpoint) {
        assertThat(policy.refusal(endpoint)).as(endpoint).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8083",
                "http://127.1.2.3:8083",
                "http://[::1]:8083",
                "http://localhost:8083",
                "http://LOCALHOST.:8083",
                "http://calculator.localhost:8083",
                "http://[::ffff:127.0.0.1]:8083",
                "http://[::127.0.0.1]:8083",
                "http://[64:ff9b::7f00:1]:8083"
            })
    void loopbackEndpointsAreRefusedUnlessAllowed(String endpoint) {
        assertThat(policy.refusal(endpoint))
                .as(endpoint)
                .hasValueSatisfying(reason -> assertThat(reason)
                        .contains("loopback")
                        .contains("agentforge.registry.allow-loopback-endpoints"));
        assertThat(loopbackAllowed.refusal(endpoint)).as(endpoint).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:8081",
                "http://127.0.0.2:8081",
                "http://[::1]:8081",
                "http://localhost:8081",
                "http://0.0.0.0:8081"
            })
    void theRegistrysOwnPortOnALocalAddressIsRefusedEvenWithLoopbackAllowed(String endpoint) {
        assertThat(loopbackAllowed.refusal(endpoint))
                .as(endpoint)
                .hasValueSatisfying(reason -> assertThat(reason).contains("this registry itself"));
        assertThat(new EndpointPolicy(true, true, port -> port == REGISTRY_PORT).refusal(endpoint))
                .as(endpoint)
                .isPresent();
    }

    @Test
    void aNameOnTheRegistrysPortIsResolvedAndRefusedWhenItIsThisHost() throws Exception {
        String hostName = InetAddress.getLocalHost().getHostName();

        assertThat(loopbackAllowed.refusal("http://" + hostName + ":" + REGISTRY_PORT))
                .isPresent();
        assertThat(loopbackAllowed.refusal("http://" + hostName + ":8083")).isEmpty();
    }

    @Test
    void theDefaultPortOfTheSchemeCounts() {
        EndpointPolicy onPort80 = new EndpointPolicy(false, true, port -> port == 80);

        assertThat(onPort80.refusal("http://127.0.0.1")).isPresent();
        assertThat(onPort80.refusal("https://127.0.0.1")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "fe80::1", "::169.254.169.254", "64:ff9b::a9fe:a9fe"})
    void resolvedAddressesAreCheckedTheSameWay(String address) throws Exception {
        assertThat(policy.addressRefusal(InetAddress.getByName(address)))
                .as(address)
                .isPresent();
        assertThat(new EndpointPolicy(true, false, port -> false).addressRefusal(InetAddress.getByName(address)))
                .isEmpty();
    }

    @Test
    void resolvedLoopbackAndOwnAddressesAreCheckedToo() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");

        assertThat(policy.addressRefusal(loopback, 8083)).isPresent();
        assertThat(loopbackAllowed.addressRefusal(loopback, 8083)).isEmpty();
        assertThat(loopbackAllowed.addressRefusal(loopback, REGISTRY_PORT)).isPresent();
    }
}
