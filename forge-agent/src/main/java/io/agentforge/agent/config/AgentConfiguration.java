package io.agentforge.agent.config;

import io.agentforge.agent.chat.AgentProperties;
import io.agentforge.agent.chat.ChatService;
import io.agentforge.agent.conversation.ConversationProperties;
import io.agentforge.agent.conversation.ConversationStore;
import io.agentforge.agent.conversation.ConversationSweeper;
import io.agentforge.agent.conversation.InMemoryConversationStore;
import io.agentforge.agent.conversation.JdbcConversationStore;
import io.agentforge.agent.llm.OfflineChatModel;
import io.agentforge.agent.security.RateLimiter;
import io.agentforge.agent.tooling.RegistryToolCallbackProvider;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.time.Clock;

/** The chat loop with its model (an OpenAI-compatible LLM, or the offline model), memory and limits. */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AgentConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ChatService chatService(ObjectProvider<ChatModel> models, AgentProperties properties,
                            RegistryToolCallbackProvider tools, ConversationStore conversations, JsonMapper json,
                            Clock clock, MeterRegistry meters) {
        ChatModel llm = models.getIfAvailable();
        boolean offline = !properties.llm().configured() || llm == null;
        if (offline) {
            log.warn("No LLM configured: answering with the offline model (arithmetic through the calculator only)."
                    + " Set OPENAI_API_KEY or AGENTFORGE_LLM_BASE_URL to use a language model.");
        } else {
            log.info("Using the language model {} ({})", properties.llm().model(),
                    properties.llm().baseUrl() == null || properties.llm().baseUrl().isBlank() ? "OpenAI"
                            : properties.llm().baseUrl());
        }
        return new ChatService(offline ? new OfflineChatModel() : llm, offline, tools, conversations, properties,
                json, clock, meters);
    }

    @Bean
    RateLimiter rateLimiter(AgentProperties properties, Clock clock) {
        return new RateLimiter(properties.rateLimit().requestsPerMinute(), clock);
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Conversations {

        @Bean
        @ConditionalOnExpression("'${spring.datasource.url:}' != ''")
        @DependsOnDatabaseInitialization
        ConversationStore jdbcConversationStore(DataSource dataSource, JsonMapper json,
                                                ConversationProperties limits) {
            return new JdbcConversationStore(dataSource, json, limits);
        }

        @Bean
        @ConditionalOnMissingBean(ConversationStore.class)
        ConversationStore inMemoryConversationStore(ConversationProperties limits) {
            return new InMemoryConversationStore(limits);
        }

        @Bean
        ConversationSweeper conversationSweeper(ConversationStore store, ConversationProperties limits,
                                                Clock clock) {
            return new ConversationSweeper(store, limits, clock);
        }
    }
}
