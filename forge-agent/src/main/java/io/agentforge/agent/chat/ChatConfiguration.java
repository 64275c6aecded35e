package io.agentforge.agent.chat;

import io.agentforge.agent.config.AgentProperties;
import io.agentforge.agent.conversation.ConversationStore;
import io.agentforge.agent.llm.OfflineChatModel;
import io.agentforge.agent.security.RateLimiter;
import io.agentforge.agent.tooling.RegistryToolCallbackProvider;
import io.agentforge.agent.tooling.ToolExposure;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The chat loop with its model (an OpenAI-compatible LLM, or the offline model) and limits. Here rather than in
 * {@code config}, so {@code config} (the settings) never depends on {@code chat}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentTracingProperties.class)
class ChatConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ChatConfiguration.class);

    @Bean
    ChatService chatService(
            ObjectProvider<ChatModel> models,
            AgentProperties properties,
            RegistryToolCallbackProvider tools,
            ToolExposure exposure,
            ConversationStore conversations,
            JsonMapper json,
            Clock clock,
            MeterRegistry meters,
            ObjectProvider<ObservationRegistry> observations,
            AgentTracingProperties tracing) {
        ChatModel llm = models.getIfAvailable();
        boolean offline = !properties.llm().configured() || llm == null;
        if (offline) {
            log.warn("No LLM configured: answering with the offline model (arithmetic through the calculator only)."
                    + " Set OPENAI_API_KEY or AGENTFORGE_LLM_BASE_URL to use a language model.");
        } else {
            log.info(
                    "Using the language model {} ({})",
                    properties.llm().model(),
                    properties.llm().baseUrl() == null
                                    || properties.llm().baseUrl().isBlank()
                            ? "OpenAI"
                            : properties.llm().baseUrl());
        }
        return new ChatService(
                offline ? new OfflineChatModel() : llm,
                offline,
                tools,
                exposure,
                conversations,
                properties,
                json,
                clock,
                new AgentObservations(
                        observations.getIfAvailable(() -> ObservationRegistry.NOOP),
                        meters,
                        tracing.captureContent(),
                        offline));
    }

    @Bean
    RateLimiter rateLimiter(AgentProperties properties, Clock clock) {
        return new RateLimiter(properties.rateLimit().requestsPerMinute(), clock);
    }
}
