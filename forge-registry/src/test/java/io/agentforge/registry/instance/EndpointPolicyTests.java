package io.agentforge.registry.instance;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class EndpointPolicyTests {

    private final EndpointPolicy policy = new EndpointPolicy(false);

    @ParameterizedTest
    @ValueSource(strings = {"http://169.254.169.254", "http://169.254.10.1:8080", "http://metadata.google.internal",
            "http://metadata.google.internal.", "http://METADATA.GOOGLE.INTERNAL.:80", "http://[fe80::1]:8080",
            "http://[::ffff:169.254.169.254]", "http://[::169.254.169.254]", "http://[64:ff9b::a9fe:a9fe]",
            "http://100.100.100.200", "http://0.0.0.0:8080", "http://[::]:8080", "http://224.0.0.1"})
    void metadataLinkLocalAndNonUnicastEndpointsAreRefused(String endpoint) {
        assertThat(policy.refusal(endpoint)).as(endpoint).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.5:8083", "http://127.0.0.1:8083", "http://[::1]:8083",
            "http://calculator:8083", "https://tools.example.com", "http://[2001:db8::1]:8083"})
    void ordinaryEndpointsAreAccepted(String endpoint) {
        assertThat(policy.refusal(endpoint)).as(endpoint).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "fe80::1", "::169.254.169.254", "64:ff9b::a9fe:a9fe"})
    void resolvedAddressesAreCheckedTheSameWay(String address) throws Exception {
        assertThat(policy.addressRefusal(InetAddress.getByName(address))).as(address).isPresent();
        assertThat(new EndpointPolicy(true).addressRefusal(InetAddress.getByName(address))).isEmpty();
    }
}
