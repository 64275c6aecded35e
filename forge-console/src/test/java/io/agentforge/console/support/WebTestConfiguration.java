package io.agentforge.console.support;

import io.agentforge.console.chat.AgentDirectory;
import io.agentforge.console.chat.MarkdownRenderer;
import io.agentforge.console.chat.TraceLinks;
import io.agentforge.console.config.ConsoleProperties;
import io.agentforge.console.registry.RegistryFeed;
import io.agentforge.console.security.Credentials;
import io.agentforge.console.security.KeyVerifier;
import io.agentforge.testsupport.MutableClock;
import java.time.Instant;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;

/**
 * What a {@code @WebMvcTest} slice of the console needs besides the controller: the real security configuration,
 * the real view helpers, and fakes at the seams to the registry, agents, tools and key checks.
 */
@TestConfiguration(proxyBeanMethods = false)
@EnableConfigurationProperties(ConsoleProperties.class)
@Import({Credentials.class, AgentDirectory.class, MarkdownRenderer.class, RegistryFeed.class, TraceLinks.class})
@ComponentScan(
        basePackages = "io.agentforge.console.security",
        useDefaultFilters = false,
        includeFilters =
                @ComponentScan.Filter(
                        type = FilterType.REGEX,
                        pattern = "io\\.agentforge\\.console\\.security\\.(Security|Oidc)Configuration"))
public class WebTestConfiguration {

    public static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    public static final String CONSOLE_KEY = "af_console01_Console-secret-0123456789abcdef";
    public static final String USER_KEY = "af_tester001_User-secret-0123456789abcdefgh";
    public static final String UNAVAILABLE_KEY = "af_unavail01_Registry-down-0123456789abcd";

    @Bean
    MutableClock clock() {
        return new MutableClock(NOW);
    }

    @Bean
    FakeRegistryGateway registryGateway() {
        return new FakeRegistryGateway();
    }

    @Bean
    FakeAgentGateway agentGateway() {
        return new FakeAgentGateway();
    }

    @Bean
    FakeAccessTokens accessTokens() {
        return new FakeAccessTokens();
    }

    @Bean
    FakeToolGateway toolGateway() {
        return new FakeToolGateway();
    }

    /** Accepts {@link #USER_KEY} only; {@link #UNAVAILABLE_KEY} acts as if the registry were down. */
    @Bean
    KeyVerifier keyVerifier() {
        return key -> {
            if (key.equals(USER_KEY)) {
                return "af_tester001";
            }
            if (key.equals(UNAVAILABLE_KEY)) {
                throw new AuthenticationServiceException("registry unreachable");
            }
            throw new BadCredentialsException("not accepted");
        };
    }
}
