package io.agentforge.agent.llm;

import com.openai.client.OpenAIClientAsyncImpl;
import com.openai.client.OpenAIClientImpl;
import com.openai.core.ClientOptions;
import com.openai.core.Timeout;
import io.micrometer.observation.ObservationRegistry;
import java.util.Optional;
import org.springframework.ai.chat.observation.ChatModelObservationConvention;
import org.springframework.ai.model.openai.autoconfigure.OpenAiAutoConfigurationUtil;
import org.springframework.ai.model.openai.autoconfigure.OpenAiChatProperties;
import org.springframework.ai.model.openai.autoconfigure.OpenAiCommonProperties;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAI-compatible chat model as Spring AI's auto-configuration builds it (same properties, options, tool
 * calling, observations, retries), but on {@link JdkModelHttpClient} instead of Spring AI's OkHttp client: see there
 * why. Spring AI's chat model bean backs off when this one exists.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.ai.model.chat", havingValue = "openai", matchIfMissing = true)
class ModelClientConfiguration {

    @Bean
    OpenAiChatModel openAiChatModel(
            OpenAiCommonProperties common,
            OpenAiChatProperties chat,
            ToolCallingManager toolCallingManager,
            ObjectProvider<ObservationRegistry> observations,
            ObjectProvider<ChatModelObservationConvention> convention) {
        OpenAiCommonProperties connection = OpenAiAutoConfigurationUtil.resolveCommonProperties(common, chat);
        ObservationRegistry registry = observations.getIfUnique(() -> ObservationRegistry.NOOP);
        ClientOptions options = clientOptions(connection, registry);
        OpenAiChatModel model = OpenAiChatModel.builder()
                .openAiClient(new OpenAIClientImpl(options))
                .openAiClientAsync(new OpenAIClientAsyncImpl(options))
                .options(chat.toOptions())
                .toolCallingManager(toolCallingManager)
                .observationRegistry(registry)
                .build();
        convention.ifAvailable(model::setObservationConvention);
        return model;
    }

    static ClientOptions clientOptions(OpenAiCommonProperties connection, ObservationRegistry observations) {
        Timeout timeout = Timeout.builder().request(connection.getTimeout()).build();
        ClientOptions.Builder options = ClientOptions.builder()
                .httpClient(new JdkModelHttpClient(timeout, connection.getProxy(), observations))
                .baseUrl(Optional.ofNullable(connection.getBaseUrl()))
                .timeout(timeout)
                .maxRetries(connection.getMaxRetries())
                .putHeader("User-Agent", "spring-ai-openai");
        if (connection.getApiKey() != null && !connection.getApiKey().isBlank()) {
            options.apiKey(connection.getApiKey());
        } else if (connection.getCredential() != null) {
            options.credential(connection.getCredential());
        }
        if (connection.getOrganizationId() != null
                && !connection.getOrganizationId().isBlank()) {
            options.organization(connection.getOrganizationId());
        }
        if (connection.getCustomHeaders() != null) {
            connection.getCustomHeaders().forEach(options::putHeader);
        }
        return options.build();
    }
}
