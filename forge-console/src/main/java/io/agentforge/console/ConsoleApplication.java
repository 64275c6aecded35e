package io.agentforge.console;

import io.agentforge.web.VirtualThreads;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;

/** The Agent Forge web console: chat with agents, watch the registry, try tools. */
// No user store: people sign in with an API key or through OIDC, never with a generated password.
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ConsoleApplication {

    public static void main(String[] args) {
        VirtualThreads.atLeastTwoCarriers();
        SpringApplication.run(ConsoleApplication.class, args);
    }
}
