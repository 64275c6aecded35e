package io.agentforge.agent.a2a;

import io.agentforge.agent.chat.ChatService;
import io.agentforge.agent.config.A2aProperties;
import io.agentforge.agent.config.AgentProperties;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The A2A front door: its task store and the service running tasks on the agent loop. */
@Configuration(proxyBeanMethods = false)
class A2aConfiguration {

    @Bean
    TaskStore a2aTaskStore(A2aProperties a2a, Clock clock) {
        return new TaskStore(a2a.maxTasks(), a2a.taskRetention(), clock);
    }

    @Bean
    A2aService a2aService(ChatService chat, TaskStore tasks, JsonMapper json, Clock clock, AgentProperties properties) {
        return new A2aService(chat, tasks, json, clock, properties.deadline());
    }
}
