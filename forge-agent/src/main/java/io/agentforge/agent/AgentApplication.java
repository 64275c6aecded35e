package io.agentforge.agent;

import io.agentforge.web.VirtualThreads;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The example Agent Forge agent: chat with registry-backed tool calling. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class AgentApplication {

    public static void main(String[] args) {
        VirtualThreads.atLeastTwoCarriers();
        SpringApplication.run(AgentApplication.class, args);
    }
}
