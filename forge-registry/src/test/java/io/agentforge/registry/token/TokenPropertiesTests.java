package io.agentforge.registry.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenPropertiesTests {

    static TokenProperties withTtl(Duration ttl) {
        return new TokenProperties(null, ttl, Duration.ofDays(30), Duration.ofSeconds(30), Duration.ofSeconds(1));
    }

    @Test
    void aTtlAboveFiveMinutesIsAStartupError() {
        assertThatThrownBy(() -> withTtl(Duration.ofMinutes(5).plusSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at most 5m");
        assertThatThrownBy(() -> withTtl(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
        assertThat(withTtl(Duration.ofMinutes(5)).ttl()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void anExternalIssuerNeedsAnAudience() {
        assertThatThrownBy(() -> new ExternalIssuerProperties("https://login.example.com", " "))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("jwt-audience");
        assertThat(new ExternalIssuerProperties(null, null).enabled()).isFalse();
    }

    @Test
    void aBlankIssuerMeansTheRequestsBaseUrl() {
        assertThat(new TokenProperties(
                                " ",
                                Duration.ofMinutes(5),
                                Duration.ofDays(30),
                                Duration.ofSeconds(30),
                                Duration.ofSeconds(1))
                        .issuer())
                .isNull();
    }
}
