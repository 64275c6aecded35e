package io.agentforge.agent;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The example Agent Forge agent: chat with registry-backed tool calling. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AgentApplication {

    public static void main(String[] args) {
        // Virtual threads blocked in a class initializer stay pinned to their carrier; with one carrier per core
        // (two on a small machine) a burst of first requests can pin them all and stall every virtual thread.
        System.setProperty("jdk.virtualThreadScheduler.parallelism", System.getProperty(
                "jdk.virtualThreadScheduler.parallelism", Integer.toString(Math.max(8,
                        Runtime.getRuntime().availableProcessors()))));
        SpringApplication.run(AgentApplication.class, args);
    }
}
