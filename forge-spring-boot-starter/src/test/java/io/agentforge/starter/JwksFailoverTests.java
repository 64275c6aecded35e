package io.agentforge.starter;

import static org.assertj.core.api.Assertions.assertThat;

import io.agentforge.testsupport.MutableClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With several registry replicas, the signing keys come from the next replica when the first does not answer. */
class JwksFailoverTests {

    private final MutableClock clock = MutableClock.startingNow();
    private final TestRegistryStub registry = new TestRegistryStub(clock);

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void theKeysOfTheSecondReplicaVerifyATokenWhileTheFirstIsGone() throws IOException {
        String gone;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            gone = "http://127.0.0.1:" + socket.getLocalPort() + ForgeTokenVerifier.JWKS_PATH;
        }
        var verifier = new ForgeTokenVerifier(
                gone + ", " + registry.url() + ForgeTokenVerifier.JWKS_PATH, "sample", null, new RevokedKeys(), clock);

        ForgeCaller caller = verifier.verify(registry.token("sample", "user-1", List.of("client")));

        assertThat(caller.principal()).isEqualTo("user-1");
        assertThat(registry.jwksFetches()).isEqualTo(1);
    }
}
