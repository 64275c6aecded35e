package io.agentforge.console.security;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agentforge.console.ConsoleApplication;
import io.agentforge.console.config.ConsoleProperties.AuthMode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;

class LoopbackGuardTests {

    @Test
    void withoutLoginOnlyLoopbackAddressesAreAllowed() {
        for (String address : new String[] {"127.0.0.1", "::1", "localhost", "127.0.0.2"}) {
            assertThatCode(() -> LoopbackGuard.check(AuthMode.NONE, address))
                    .as(address)
                    .doesNotThrowAnyException();
        }
        for (String address : new String[] {"0.0.0.0", "::", "192.168.1.20", ""}) {
            assertThatThrownBy(() -> LoopbackGuard.check(AuthMode.NONE, address))
                    .as(address)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only allowed on a loopback address");
        }
        assertThatThrownBy(() -> LoopbackGuard.check(AuthMode.NONE, null))
                .hasMessageContaining("listen on every interface");
    }

    @Test
    void withLoginAnyAddressIsAllowed() {
        assertThatCode(() -> LoopbackGuard.check(AuthMode.API_KEY, "0.0.0.0")).doesNotThrowAnyException();
        assertThatCode(() -> LoopbackGuard.check(AuthMode.OIDC, null)).doesNotThrowAnyException();
    }

    @Test
    void theConsoleRefusesToStartWithoutLoginOnAPublicBind() {
        SpringApplicationBuilder console = new SpringApplicationBuilder(ConsoleApplication.class)
                .properties("spring.main.banner-mode=off", "logging.level.root=OFF");

        assertThatThrownBy(() -> console.run(
                        "--server.port=0",
                        "--server.address=0.0.0.0",
                        "--agentforge.console.auth=none",
                        "--agentforge.registry-url=http://127.0.0.1:9",
                        "--agentforge.api-key=af_console01_Console-secret-0123456789abcdef"))
                .rootCause()
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("agentforge.console.auth=none")
                .hasMessageContaining("server.address=0.0.0.0 is not a loopback address");
    }
}
