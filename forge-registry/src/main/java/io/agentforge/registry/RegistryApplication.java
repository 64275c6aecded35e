package io.agentforge.registry;

import io.agentforge.web.VirtualThreads;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The Agent Forge Service Registry. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RegistryApplication {

    public static void main(String[] args) {
        VirtualThreads.atLeastTwoCarriers();
        SpringApplication.run(RegistryApplication.class, args);
    }
}
