package io.agentforge.console;

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
        // Virtual threads blocked in a class initializer stay pinned to their carrier; with one carrier per core
        // (two on a small machine) a burst of first requests can pin them all and stall every virtual thread.
        System.setProperty("jdk.virtualThreadScheduler.parallelism", System.getProperty(
                "jdk.virtualThreadScheduler.parallelism", Integer.toString(Math.max(8,
                        Runtime.getRuntime().availableProcessors()))));
        SpringApplication.run(ConsoleApplication.class, args);
    }
}
