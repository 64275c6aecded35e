package io.agentforge.agent.config;

import io.agentforge.agent.conversation.ConversationProperties;
import io.agentforge.agent.conversation.ConversationStore;
import io.agentforge.agent.conversation.ConversationSweeper;
import io.agentforge.agent.conversation.InMemoryConversationStore;
import io.agentforge.agent.conversation.JdbcConversationStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import tools.jackson.databind.json.JsonMapper;

/** The agent's clock and its conversation memory (the chat loop itself is wired in {@code chat}). */
@Configuration(proxyBeanMethods = false)
class AgentConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class Conversations {

        @Bean
        @ConditionalOnExpression("'${spring.datasource.url:}' != ''")
        @DependsOnDatabaseInitialization
        ConversationStore jdbcConversationStore(DataSource dataSource, JsonMapper json, ConversationProperties limits) {
            return new JdbcConversationStore(dataSource, json, limits);
        }

        @Bean
        @ConditionalOnMissingBean(ConversationStore.class)
        ConversationStore inMemoryConversationStore(ConversationProperties limits) {
            return new InMemoryConversationStore(limits);
        }

        @Bean
        ConversationSweeper conversationSweeper(ConversationStore store, ConversationProperties limits, Clock clock) {
            return new ConversationSweeper(store, limits, clock);
        }
    }
}
