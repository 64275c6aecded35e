package io.agentforge.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ForgeClientSettingsTests {

    static final String KEY = "af_abcdefgh12_" + "s3cr3t-s3cr3t_s3cr3t-s3cr3t_0123";

    @Test
    void defaultsTheTimeoutsAndDropsATrailingSlash() {
        ForgeClientSettings settings = ForgeClientSettings.of("http://localhost:8081/", KEY);

        assertThat(settings.registryUrl()).isEqualTo(URI.create("http://localhost:8081"));
        assertThat(settings.connectTimeout()).isEqualTo(ForgeClientSettings.DEFAULT_CONNECT_TIMEOUT);
        assertThat(settings.requestTimeout()).isEqualTo(ForgeClientSettings.DEFAULT_REQUEST_TIMEOUT);
        assertThat(settings.resolve("/api/v1/catalog")).isEqualTo(URI.create("http://localhost:8081/api/v1/catalog"));
    }

    @Test
    void keepsAPathPrefix() {
        ForgeClientSettings settings = ForgeClientSettings.of("https://forge.example/registry", KEY);

        assertThat(settings.resolve("/api/v1/status").toString())
                .isEqualTo("https://forge.example/registry/api/v1/status");
    }

    @Test
    void neverPrintsTheSecret() {
        ForgeClientSettings settings = ForgeClientSettings.of("http://localhost:8081", KEY);

        assertThat(settings.toString()).contains("af_abcdefgh12_***").doesNotContain("s3cr3t");
        assertThat(settings.keyId()).isEqualTo("abcdefgh12");
    }

    @Test
    void refusesAMalformedKeyWithoutEchoingIt() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ForgeClientSettings.of("http://localhost:8081", "af_short_s3cr3t"))
                .withMessageContaining("af_<keyId>_<secret>")
                .withMessageNotContaining("s3cr3t");
        assertThatIllegalArgumentException().isThrownBy(() -> ForgeClientSettings.of("http://localhost:8081", " "));
    }

    @Test
    void refusesUrlsThatAreNotPlainHttpBaseUrls() {
        assertThatIllegalArgumentException().isThrownBy(() -> ForgeClientSettings.of("localhost:8081", KEY));
        assertThatIllegalArgumentException().isThrownBy(() -> ForgeClientSettings.of("ftp://host", KEY));
        assertThatIllegalArgumentException().isThrownBy(() -> ForgeClientSettings.of("http://host/?a=b", KEY));
        assertThatIllegalArgumentException().isThrownBy(() -> ForgeClientSettings.of("http://u:p@host", KEY));
    }

    @Test
    void refusesNonPositiveTimeouts() {
        URI url = URI.create("http://localhost:8081");
        assertThatIllegalArgumentException().isThrownBy(() -> new ForgeClientSettings(url, KEY, Duration.ZERO, null));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ForgeClientSettings(url, KEY, null, Duration.ofSeconds(-1)));
    }

    @Test
    void listsReplicasSeparatedByCommas() {
        ForgeClientSettings settings = ForgeClientSettings.of("http://registry-a:8081/, http://registry-b:8081", KEY);

        assertThat(settings.registryUrls())
                .containsExactly(URI.create("http://registry-a:8081"), URI.create("http://registry-b:8081"));
        assertThat(settings.registryUrl()).isEqualTo(URI.create("http://registry-a:8081"));
    }

    @Test
    void refusesAnEmptyEntryADuplicateOrTooManyReplicas() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ForgeClientSettings.of("http://registry-a:8081,,http://registry-b:8081", KEY))
                .withMessageContaining("empty entry");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ForgeClientSettings.of("http://registry-a:8081,http://registry-a:8081/", KEY))
                .withMessageContaining("listed twice");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ForgeClientSettings.of(
                        "http://r1,http://r2,http://r3,http://r4,http://r5,http://r6,http://r7,http://r8,http://r9",
                        KEY))
                .withMessageContaining("at most 8");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ForgeClientSettings.of("http://registry-a:8081,ftp://registry-b", KEY))
                .withMessageContaining("http(s)");
    }
}
